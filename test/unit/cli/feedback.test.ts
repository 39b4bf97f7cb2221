import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBatchCollector } from '../../support/batch-collector';
import { PostHogCaptureServer } from '../../support/posthog-capture';
import { cliPath } from '../../support/repo';
import { UsageError } from '../../../src/cli/command';
import { feedbackCommand } from '../../../src/cli/commands/feedback';
import { TelemetryQueue } from '../../../src/core/telemetry';

const messages: string[] = [];
const context = { workspace: process.cwd(), respectFlags: false, log: (m: string) => void messages.push(m) };

const collector = (status: number) => startBatchCollector(status);

test('without --endpoint nothing is sent and the exact payload is shown', async () => {
  const result = await feedbackCommand.run(context, { positive: true, text: 'works well' }, []);
  assert.equal(result.exitCode, 0);
  assert.deepEqual(result.data, { feedback: { name: 'feedback', data: { sentiment: 'positive', source: 'cli', text: 'works well' }, textTruncated: false }, sent: false, reason: 'no --endpoint or --posthog-key given' });
  assert.match(result.text, /^Not sent \(no --endpoint or --posthog-key given\)/);
  assert.ok(result.text.includes('"text":"works well"'));
});

test('exactly one of --positive and --negative is a usage error otherwise', async () => {
  await assert.rejects(feedbackCommand.run(context, {}, []), UsageError);
  await assert.rejects(feedbackCommand.run(context, { positive: true, negative: true }, []), UsageError);
  await assert.rejects(feedbackCommand.run(context, { positive: true, endpoint: 'ftp://x' }, []), UsageError);
  await assert.rejects(feedbackCommand.run(context, { positive: true, 'posthog-key': ' ' }, []), /PostHog project key is empty/);
  await assert.rejects(feedbackCommand.run(context, { positive: true, 'posthog-host': 'http://127.0.0.1:1' }, []), /--posthog-host needs --posthog-key/);
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

test('the bundled CLI sends feedback to a PostHog capture endpoint with --posthog-key, and keeps it while the server is down', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'chimera-posthog-cli-'));
  const port = await PostHogCaptureServer.freePort();
  const args = ['feedback', '--negative', '--text', 'slow on big files', '--posthog-key', 'phc_cli_test', '--posthog-host', `http://127.0.0.1:${port}`, '--queue-dir', directory, '--json'];
  const offline = await runCli(args);
  assert.equal(offline.code, 2, offline.stderr);
  assert.equal((await TelemetryQueue.open({ directory, fileName: 'posthog-queue.jsonl' })).size, 1);
  const capture = await PostHogCaptureServer.start(port);
  try {
    const online = await runCli(['feedback', '--positive', ...args.slice(2)]);
    assert.equal(online.code, 0, online.stderr);
    assert.deepEqual(capture.malformed, []);
    assert.deepEqual(
      capture.events.map((event) => [event.event, event.properties.sentiment, event.properties.text, event.properties.source]),
      [
        ['feedback', 'negative', 'slow on big files', 'cli'],
        ['feedback', 'positive', 'slow on big files', 'cli'],
      ],
    );
    assert.equal(capture.batches[0]!.api_key, 'phc_cli_test');
    assert.match(capture.events[0]!.distinct_id, /^[0-9a-f]{16}$/);
  } finally {
    await capture.stop();
  }
});

/** dist/cli.js, the esbuild CommonJS bundle that ships, in a child process (the capture server answers in this one). */
function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, ...args], { cwd: tmpdir(), timeout: 30_000 }, (error, _stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }));
  });
}
