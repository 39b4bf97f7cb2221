// Preloaded (node --require) into code-server 4.99.x: VS Code's server knows --enable-smoke-test-driver, code-server's option table does not.
import { dirname, join } from 'node:path';

const entry = process.argv[1] ?? '';
// Only in code-server's own entry process, not in the processes it forks with the same execArgv.
if (/code-server[\\/]out[\\/]node[\\/]entry(\.js)?$/.test(entry)) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- code-server's own module, found at run time
  const cli = require(join(dirname(entry), 'cli.js')) as { options: Record<string, unknown> };
  cli.options['enable-smoke-test-driver'] = { type: 'boolean', description: 'smoke-test driver (test hosts only)' };
}
