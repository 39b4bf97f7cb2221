// One lint for everything we write: extension, CLI, core, webview, tests, benchmarks and build scripts.
// Rules: ESLint's and typescript-eslint's recommended sets (syntax-only: the type-aware sets take ~22 s here),
// plus the layout rules the code already follows (@stylistic), so `npm run lint` is also the format check.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

/** The layout the codebase already has; `indent` and `operator-linebreak` are left out (the code mixes styles there). */
const layout = {
  '@stylistic/arrow-parens': 'error',
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/block-spacing': 'error',
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/eol-last': 'error',
  '@stylistic/key-spacing': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/linebreak-style': 'error',
  '@stylistic/member-delimiter-style': 'error',
  '@stylistic/no-multi-spaces': 'error',
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0 }],
  '@stylistic/no-tabs': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/quote-props': ['error', 'as-needed'],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
  '@stylistic/semi': 'error',
  '@stylistic/semi-spacing': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
  '@stylistic/space-in-parens': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/type-annotation-spacing': 'error',
};

export default tseslint.config(
  // Build output (media/rollout.js is bundled from src/webview/rollout.ts) and parser inputs kept verbatim.
  { ignores: ['dist/', 'out/', 'out-*/', 'node_modules/', '.vscode-test/', 'test/fixtures/', 'media/rollout.js'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { plugins: { '@stylistic': stylistic }, rules: layout },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  // Build scripts are ES modules run by Node.
  { files: ['**/*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  // The probe extension is plain CommonJS loaded by the workbench.
  { files: ['test/probe-extension/**/*.js'], languageOptions: { sourceType: 'commonjs' } },
);
