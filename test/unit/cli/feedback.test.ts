import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBatchCollector } from '../../support/batch-collector';
import { UsageError } from '../../../src/cli/command';
import { feedbackCommand } from '../../../src/cli/commands/feedback';
import { TelemetryQueue } from '../../../src/core/telemetry';

const messages: string[] = [];
const context = { workspace: process.cwd(), respectFlags: false, log: (m: string) => void messages.push(m) };

const collector = (status: number) => startBatchCollector(status);

test('without --endpoint nothing is sent and the exact payload is shown', async () => {
  const result = await feedbackCommand.run(context, { positive: true, text: 'works well' }, []);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.data, { feedback: { name: 'feedback', data: { sentiment: 'positive', source: 'cli', text: 'works well' }, textTruncated: false }, sent: false, reason: 'no --endpoint given' });
  assert.match(result.text, /^Not sent \(no --endpoint given\)/);
  assert.ok(result.text.includes('"text":"works well"'));
});

test('exactly one of --positive and --negative is a usage error otherwise', async () => {
  await assert.rejects(feedbackCommand.run(context, {}, []), UsageError);
  await assert.rejects(feedbackCommand.run(context, { positive: true, negative: true }, []), UsageError);
  await assert.rejects(feedbackCommand.run(context, { positive: true, endpoint: 'ftp://x' }, []), UsageError);
});

test('with --endpoint the feedback arrives at the collector exactly as previewed', async () => {
  const server = await collector(200);
  const result = await feedbackCommand.run(context, { negative: true, text: 'too noisy', endpoint: server.endpoint }, []);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(server.batches.flatMap((b) => b.events).map((e) => e.data), [{ sentiment: 'negative', source: 'cli', text: 'too noisy' }]);
  await server.stop();
});

test('a failed send exits 2, says so, and with --queue-dir keeps the feedback for the next attempt', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'chimera-telemetry-cli-'));
  const failing = await collector(503);
  const result = await feedbackCommand.run(context, { positive: true, endpoint: failing.endpoint, 'queue-dir': directory }, []);
  assert.equal(result.exitCode, 2);
  assert.match(result.text, /Not sent \(HTTP 503\); kept in/);
  assert.ok(messages.some((m) => m.includes('feedback not sent (HTTP 503)')));
  assert.equal((await TelemetryQueue.open({ directory })).size, 1);
  await failing.stop();
  const working = await collector(200);
  const second = await feedbackCommand.run(context, { negative: true, endpoint: working.endpoint, 'queue-dir': directory }, []);
  assert.equal(second.exitCode, 0);
  assert.deepEqual(working.batches.flatMap((b) => b.events).map((e) => e.data.sentiment), ['positive', 'negative']);
  assert.deepEqual((second.data as { summary: unknown }).summary, { responses: 2, positive: 1, negative: 1, positiveShare: 0.5 });
  await working.stop();
});
