import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonResult, jsonValue, parseArgument } from '../../../../src/core/sandbox/values';

test('special doubles and i64 values become JSON strings; plain numbers stay numbers', () => {
  assert.deepEqual([NaN, Infinity, -Infinity, -0, 0, 1.5, 42n, -7n].map((v) => jsonValue(v)), ['NaN', 'Infinity', '-Infinity', '-0', 0, 1.5, '42n', '-7n']);
  assert.deepEqual(jsonValue([1, NaN, 3n]), [1, 'NaN', '3n']);
  assert.equal(jsonValue(null), null);
  assert.equal(JSON.stringify(jsonResult({ verdict: 'ok', value: -0, fuelUsed: null, message: 'ok', ms: 1 })), '{"verdict":"ok","value":"-0","fuelUsed":null,"message":"ok","ms":1}');
});

test('arguments are read by parameter type: specials, -0, 1 or 1n for i64, true/false for i32', () => {
  assert.ok(Number.isNaN(parseArgument('NaN', 'f64')));
  assert.equal(parseArgument('-Infinity', 'f64'), -Infinity);
  assert.ok(Object.is(parseArgument('-0', 'f64'), -0));
  assert.equal(parseArgument('1e3', 'f64'), 1000);
  assert.equal(parseArgument('7n', 'f64'), 7);
  assert.equal(parseArgument('7', 'i64'), 7n);
  assert.equal(parseArgument('-7n', 'i64'), -7n);
  assert.equal(parseArgument('9007199254740993', 'i64'), 9007199254740993n);
  assert.equal(parseArgument(5, 'i64'), 5n);
  assert.equal(parseArgument('true', 'i32'), 1);
  for (const bad of ['', 'x', '1.5.2', '0x10', 'nan ', 'Infinityx']) assert.equal(parseArgument(bad, 'f64'), undefined, bad);
  assert.equal(parseArgument('1.5', 'i64'), undefined);
  assert.equal(parseArgument(1.5, 'i64'), undefined);
});
