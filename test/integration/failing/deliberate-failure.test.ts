import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

suite('Driver self-test (fails on purpose)', () => {
  test('runs inside a real workbench', () => {
    assert.ok(vscode.version.length > 0);
  });

  test('a failing assertion makes the whole run fail', () => {
    assert.equal(1 + 1, 3, 'deliberate failure: the driver must report exit code 1');
  });
});
