import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startBatchCollector } from '../../../support/batch-collector';
import {
  type BatchSender,
  FEEDBACK_TEXT_LIMIT,
  FeedbackLog,
  type FeedbackResponse,
  evaluateFeedbackCriterion,
  httpSender,
  openTelemetryClient,
  previewFeedback,
  submitFeedback,
  summarizeFeedback,
} from '../../../../src/core/telemetry';

const freshDir = () => mkdtempSync(join(tmpdir(), 'chimera-telemetry-feedback-'));
const OFF = () => ({ telemetryLevel: 'off' as const, chimeraTelemetryEnabled: false });

async function collector(status = 200) {
  const server = await startBatchCollector(status, '/feedback');
  return { ...server, sender: httpSender({ endpoint: server.endpoint, timeoutMs: 5_000 }) as BatchSender };
}

test('the preview is exactly what the collector receives, and feedback goes out with telemetry off', async () => {
  const server = await collector();
  const directory = freshDir();
  const client = await openTelemetryClient({ directory, sender: server.sender, consent: OFF, salt: 'test:', flushIntervalMs: 0 });
  const log = await FeedbackLog.open(directory);
  const input = { sentiment: 'negative', text: 'The genes tree is slow on /home/alice/void/src/big.ts', phase: 2, source: 'view' } as const;
  const preview = previewFeedback(input);
  assert.deepEqual(preview, { name: 'feedback', data: { sentiment: 'negative', text: input.text, phase: '2', source: 'view' }, textTruncated: false });
  const submission = await submitFeedback(client, log, input, Date.now());
  assert.equal(submission.recorded.status, 'queued');
  assert.equal(submission.delivery.status, 'delivered');
  const received = server.batches.flatMap((b) => b.events);
  assert.equal(received.length, 1);
  assert.equal(received[0]!.name, preview.name);
  assert.deepEqual(received[0]!.data, preview.data);
  // General telemetry stays off meanwhile.
  assert.equal(client.record('analysis', { genes: 3 }).status, 'not-consented');
  await client.dispose();
  await server.stop();
});

test('feedback that cannot be sent stays queued, the person is told, and it is delivered later', async () => {
  const failing = await collector(500);
  const directory = freshDir();
  const client = await openTelemetryClient({ directory, sender: failing.sender, consent: OFF, salt: 'test:', flushIntervalMs: 0 });
  const submission = await submitFeedback(client, await FeedbackLog.open(directory), { sentiment: 'positive', source: 'command' }, Date.now());
  assert.equal(submission.delivery.status, 'failed');
  assert.equal(submission.delivery.status === 'failed' && submission.delivery.remaining, 1);
  assert.equal(submission.summary.responses, 1, 'counted locally even though not yet delivered');
  await client.dispose();
  await failing.stop();
  const working = await collector();
  const later = await openTelemetryClient({ directory, sender: working.sender, consent: OFF, salt: 'test:', flushIntervalMs: 0 });
  assert.equal((await later.flush()).status, 'delivered');
  assert.deepEqual(working.batches.flatMap((b) => b.events).map((e) => e.data), [{ sentiment: 'positive', source: 'command' }]);
  await later.dispose();
  await working.stop();
});

test('the preview caps long text and says so', () => {
  const preview = previewFeedback({ sentiment: 'positive', text: 'a'.repeat(FEEDBACK_TEXT_LIMIT * 3), source: 'cli' });
  assert.equal(preview.textTruncated, true);
  assert.equal(String(preview.data.text).length, FEEDBACK_TEXT_LIMIT);
  assert.deepEqual(previewFeedback({ sentiment: 'positive', text: '   ', source: 'cli' }).data, { sentiment: 'positive', source: 'cli' });
});

const responses = (positive: number, negative: number): FeedbackResponse[] => [
  ...Array.from({ length: positive }, (_, i) => ({ sentiment: 'positive' as const, at: i })),
  ...Array.from({ length: negative }, (_, i) => ({ sentiment: 'negative' as const, at: 1000 + i })),
];

test('the Phase 2 criterion: ≥ 80% positive with ≥ 10 responses passes, below fails, under 10 responses is not enough data', () => {
  assert.equal(evaluateFeedbackCriterion(summarizeFeedback(responses(8, 2))).status, 'pass');
  assert.equal(evaluateFeedbackCriterion(summarizeFeedback(responses(40, 10))).status, 'pass');
  assert.equal(evaluateFeedbackCriterion(summarizeFeedback(responses(7, 3))).status, 'fail');
  assert.equal(evaluateFeedbackCriterion(summarizeFeedback(responses(9, 0))).status, 'not-enough-data');
  assert.equal(evaluateFeedbackCriterion(summarizeFeedback([])).status, 'not-enough-data');
  const result = evaluateFeedbackCriterion(summarizeFeedback(responses(31, 9)));
  assert.deepEqual(result, { status: 'fail', responses: 40, positiveShare: 0.775, minResponses: 10, minPositiveShare: 0.8 });
});

test('the summary can start at a time (e.g. the start of the phase)', () => {
  assert.deepEqual(summarizeFeedback(responses(5, 5), 1000), { responses: 5, positive: 0, negative: 5, positiveShare: 0 });
});

test('the local feedback log survives a restart and never stores the text', async () => {
  const directory = freshDir();
  const log = await FeedbackLog.open(directory);
  for (const response of responses(9, 1)) assert.equal(await log.add(response), undefined);
  const reopened = await FeedbackLog.open(directory);
  assert.deepEqual(reopened.summary(), { responses: 10, positive: 9, negative: 1, positiveShare: 0.9 });
  assert.equal(evaluateFeedbackCriterion(reopened.summary()).status, 'pass');
});
