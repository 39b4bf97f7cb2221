import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath, repoRoot } from '../../support/repo';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };

function chimera(...args: string[]) {
  const result = spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** With --json, stdout must hold exactly one JSON document whatever the exit code. */
function oneJsonDocument(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line of JSON, got: ${stdout}`);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

test('package.json points the chimera bin at the built CLI', () => {
  assert.equal(manifest.bin.chimera, 'dist/cli.js');
  assert.match(readFileSync(cliPath, 'utf8').split('\n')[0]!, /^#!\/usr\/bin\/env node/);
});

test('--version prints the manifest version and exits 0', () => {
  const { code, stdout } = chimera('--version');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), `chimera-rollout ${manifest.version}`);
});

test('--json --version prints one JSON document with the version', () => {
  const { code, stdout } = chimera('--json', '--version');
  assert.equal(code, 0);
  const doc = oneJsonDocument(stdout);
  assert.equal(doc.version, manifest.version);
  assert.equal(doc.exitCode, 0);
});

test('--help lists the commands, the global flags and the exit codes', () => {
  const { code, stdout } = chimera('--help');
  assert.equal(code, 0);
  for (const needle of ['Usage: chimera', 'version', '--json', '--respect-flags', 'Exit codes']) assert.ok(stdout.includes(needle), `help lacks ${needle}`);
});

test('no arguments shows the help rather than doing anything', () => {
  const { code, stdout } = chimera();
  assert.equal(code, 0);
  assert.match(stdout, /Usage: chimera/);
});

test('an unknown command exits 2 with a message on stderr and nothing on stdout', () => {
  const { code, stdout, stderr } = chimera('frobnicate');
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /unknown command 'frobnicate'/);
});

test('usage errors still produce exactly one JSON document with --json', () => {
  for (const args of [['frobnicate'], ['version', '--no-such-flag'], ['help', 'nothing']]) {
    const { code, stdout, stderr } = chimera('--json', ...args);
    assert.equal(code, 2, `chimera ${args.join(' ')}`);
    const doc = oneJsonDocument(stdout);
    assert.equal((doc.error as { kind: string }).kind, 'usage');
    assert.equal(doc.exitCode, 2);
    assert.ok(stderr.length > 0, 'the message goes to stderr');
  }
});

test('global flags are accepted after the command too', () => {
  const { code, stdout } = chimera('version', '--json');
  assert.equal(code, 0);
  assert.equal(oneJsonDocument(stdout).name, 'chimera-rollout');
});
