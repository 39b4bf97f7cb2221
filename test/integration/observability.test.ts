import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MonitoringExport } from '../../src/core/metrics/export';
import { ROLLBACK_TRIGGERS } from '../../src/core/metrics/plan';
import { PHASES } from '../../src/core/rollout/phases';
import type { RolloutLogEntry } from '../../src/core/rollout/state';
import type { FeedbackSubmission, TelemetryBatch } from '../../src/core/telemetry';
import type { ChimeraApi } from '../../src/vscode/extension';
import type { Observability } from '../../src/vscode/observability';
import type { RolloutState } from '../../src/vscode/rollout-protocol';
import { freePort } from '../support/loopback';
import { PostHogCaptureServer } from '../support/posthog-capture';
import { EXTENSION_ID, eventually, nextEvent } from './harness';

function chimeraSettings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('chimera');
}

async function setSetting(key: string, value: unknown): Promise<void> {
  await chimeraSettings().update(key, value, vscode.ConfigurationTarget.Workspace);
  await eventually(`setting chimera.${key} to read back as ${JSON.stringify(value)}`, () => chimeraSettings().inspect(key)?.workspaceValue === value || undefined);
}

/** A telemetry collector on loopback, like a team's endpoint: it keeps every JSON batch it receives. */
async function startCollector() {
  const batches: TelemetryBatch[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TelemetryBatch);
    response.writeHead(204).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    batches,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/collect`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Plain node:http, so no proxy support patched into the extension host's fetch gets in the way of loopback. */
function httpGet(url: string): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = get(url, { timeout: 3000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => resolve({ error: error.message }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ error: error.message }));
  });
}

function counter(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function rollbackEntries(workspace: string): RolloutLogEntry[] {
  const file = join(workspace, '.chimera', 'rollout-log.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as RolloutLogEntry)
    .filter((entry) => entry.action === 'rollback');
}

/** The Rollout view's next drawn state that satisfies `accept`, refreshing it until one does. */
async function renderedState(api: ChimeraApi, what: string, accept: (state: RolloutState) => boolean): Promise<RolloutState> {
  await vscode.commands.executeCommand('workbench.view.extension.chimera');
  return eventually(what, async () => {
    const rendered = nextEvent(api.rolloutView.onDidRender, 'a render of the Rollout view');
    api.rolloutView.refresh();
    const state = await rendered;
    return accept(state) ? state : undefined;
  });
}

const sourceOf = (state: RolloutState, id: string, kind: string) => state.measures.find((m) => m.id === id)?.sources.find((s) => s.kind === kind);

suite('Metrics, feedback and the automatic rollback in the workbench', () => {
  let api: ChimeraApi;
  let observability: Observability;
  let root: vscode.Uri;

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ChimeraApi>(EXTENSION_ID)!.activate();
    observability = api.features().observability;
    assert.ok(observability, 'the features bundle exports observability');
    root = vscode.workspace.workspaceFolders![0]!.uri;
  });

  suiteTeardown(async () => {
    for (const key of ['telemetry.endpoint', 'telemetry.posthog.projectKey', 'telemetry.posthog.host', 'metrics.port']) await chimeraSettings().update(key, undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('feedback reaches a real HTTP collector exactly as previewed, even with telemetry off', async () => {
    const collector = await startCollector();
    try {
      await setSetting('telemetry.endpoint', collector.url);
      const text = 'The purity reasons are clear.';
      const submission = await vscode.commands.executeCommand<FeedbackSubmission>('chimera.sendFeedback', { sentiment: 'positive', text });
      assert.ok(submission, 'the command returns the submission');
      assert.equal(submission.delivery.status, 'delivered', JSON.stringify(submission.delivery));
      const event = await eventually('the collector to receive the feedback event', () => collector.batches.flatMap((b) => b.events).find((e) => e.name === 'feedback'));
      assert.equal(event.data.sentiment, 'positive');
      assert.equal(event.data.text, text);
      assert.equal(event.data.source, 'command');
      assert.deepEqual(event.data, submission.preview.data, 'what was sent is exactly what the preview showed');
      assert.ok(submission.summary.positive >= 1);
      assert.ok(observability.current().feedback!.responses >= 1, 'the local summary feeds the criterion');
    } finally {
      await collector.close();
    }
  });

  test('with a PostHog project key, feedback also reaches a PostHog capture endpoint through posthog-node in the extension host', async () => {
    const capture = await PostHogCaptureServer.start();
    try {
      // Only PostHog: the collector of the test above is gone, and a failed endpoint would make the delivery 'failed'.
      await setSetting('telemetry.endpoint', undefined);
      await setSetting('telemetry.posthog.host', capture.host);
      await setSetting('telemetry.posthog.projectKey', 'phc_workbench_test');
      const text = 'PostHog gets it too.';
      const submission = await vscode.commands.executeCommand<FeedbackSubmission>('chimera.sendFeedback', { sentiment: 'negative', text });
      assert.ok(submission, 'the command returns the submission');
      assert.equal(submission.delivery.status, 'delivered', JSON.stringify(submission.delivery));
      const event = await eventually('the capture endpoint to receive the feedback event', () => capture.events.find((e) => e.event === 'feedback' && e.properties.text === text));
      assert.deepEqual(capture.malformed, []);
      assert.equal(capture.batches[0]!.api_key, 'phc_workbench_test');
      assert.equal(event.properties.sentiment, 'negative');
      assert.equal(event.properties.source, 'command');
      assert.match(event.distinct_id, /^[0-9a-f]{16}$/, 'a salted hash of the machine id, never the id itself');
      assert.notEqual(event.distinct_id, vscode.env.machineId);
    } finally {
      await chimeraSettings().update('telemetry.posthog.projectKey', undefined, vscode.ConfigurationTarget.Workspace);
      await capture.stop();
    }
  });

  test('chimera.metrics.port serves chimera_requests_total on 127.0.0.1, and 0 closes it again', async () => {
    observability.observe('extract', 0.012);
    observability.observe('compile', 0.034, { error: true });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    await setSetting('metrics.port', port);
    const scraped = await eventually('the metrics endpoint to answer', async () => {
      const response = await httpGet(url);
      return 'status' in response && response.status === 200 ? response.body : undefined;
    });
    assert.match(scraped, /^# TYPE chimera_requests_total counter$/m);
    assert.ok((counter(scraped, 'chimera_requests_total{op="extract"}') ?? 0) >= 1, scraped.slice(0, 2000));
    assert.ok((counter(scraped, 'chimera_errors_total{op="compile"}') ?? 0) >= 1);
    assert.match(scraped, /^chimera_duration_seconds_bucket\{le="0\.5",op="extract"\} \d+$/m);
    assert.equal(observability.current().exporters.metricsUrl, url);
    assert.equal(observability.current().sampling, true);

    await setSetting('metrics.port', 0);
    await eventually('the metrics endpoint to close', async () => 'error' in (await httpGet(url)) || undefined);
    assert.equal(observability.current().exporters.metricsUrl, undefined);
  });

  test('Show Metrics opens a read-only document with the plan values, the triggers and the criteria', async () => {
    const report = await vscode.commands.executeCommand<string>('chimera.showMetrics');
    assert.match(report, /## Automatic rollback: (armed|FIRED)/);
    for (const query of ['errorRate', 'p95Latency', 'memoryRatio', 'securityViolations']) assert.match(report, new RegExp(`\\| ${query} \\|`));
    assert.match(report, /## Success criteria/);
    const editor = await eventually('the metrics document to be shown', () => (vscode.window.activeTextEditor?.document.uri.scheme === 'chimera-metrics' ? vscode.window.activeTextEditor : undefined));
    // The document re-renders on every evaluation, so compare its shape, not the timestamp line.
    assert.match(editor.document.getText(), /## Automatic rollback: (armed|FIRED)/);
    assert.match(editor.document.getText(), /\| securityViolations \|/);
  });

  test('Export Monitoring writes the alert rules, their tests and the dashboard', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'chimera-monitoring-')), 'out');
    const result = await vscode.commands.executeCommand<MonitoringExport>('chimera.exportMonitoring', dir);
    assert.equal(result.files.length, 3);
    for (const file of result.files) assert.ok(existsSync(file), `${file} was not written`);
    assert.match(readFileSync(join(dir, 'chimera-alerts.yml'), 'utf8'), /ChimeraSecurityViolation/);
  });

  test('the Rollout view shows every criterion of the phase and every trigger with its value and where it comes from', async () => {
    const envPath = join(root.fsPath, '.env');
    if (api.rollout.snapshot?.rollback?.active) await vscode.commands.executeCommand('chimera.rearm');
    writeFileSync(envPath, '# Local flags: Phase 3\nCHIMERA_ENABLED=1\nCHIMERA_CANARY=0.10\nWASM_EXEC_ENABLED=1\n');
    await eventually('Phase 3 with analysis on', async () => ((await api.rollout.reload())?.phase.id === 3 || undefined));
    // Gateway fetches on this machine: the hook the IPFS availability criterion reads.
    for (let i = 0; i < 3; i++) observability.gatewayRequest(true);
    await observability.evaluateNow();
    const state = await renderedState(api, 'the view to list the sources with evaluated values', (s) => s.measures.length > 0 && sourceOf(s, 'error-rate', 'local')?.value !== undefined);
    assert.deepEqual(
      state.measures.map((m) => `${m.target}:${m.id}`),
      [...PHASES[3]!.criteria.map((c) => `criterion:${c.id}`), ...ROLLBACK_TRIGGERS.map((t) => `trigger:${t.id}`)],
    );
    for (const measure of state.measures) {
      assert.ok(measure.sources.length > 0, `${measure.id} has no source`);
      for (const source of measure.sources) assert.ok(source.detail.length > 0 && ['this machine', 'fleet (Prometheus)', 'not measurable yet'].includes(source.label), JSON.stringify(source));
    }
    // No team Prometheus is configured here: the fleet column says how to get one, not a made-up number.
    assert.match(sourceOf(state, 'ipfs-availability', 'fleet')!.value!, /chimera\.prometheus\.url/);
    assert.match(sourceOf(state, 'ipfs-availability', 'local')!.detail, /^gatewayRequest\(\) → chimera_gateway_requests_total/);
    assert.match(sourceOf(state, 'security-violation', 'local')!.value!, /^0$|no samples/);
    assert.equal(sourceOf(state, 'docs', 'not-measurable')?.label, 'not measurable yet');
  });

  test('a security violation rolls back at once: .env turned off, the state and log record why, no flapping, re-arm', async () => {
    const envPath = join(root.fsPath, '.env');
    // Earlier suites may have rolled back and left CHIMERA_ENABLED=0: start from Phase 1 with the guard armed.
    if (api.rollout.snapshot?.rollback?.active) await vscode.commands.executeCommand('chimera.rearm');
    writeFileSync(envPath, '# Local flags: Phase 1\nCHIMERA_ENABLED=1\nDRY_RUN_MODE=1\n');
    await eventually('Phase 1 with analysis on and the guard armed', async () => {
      const snapshot = await api.rollout.reload();
      return snapshot?.features.analysis === true && observability.current().guard.state === 'armed' ? snapshot : undefined;
    });
    const before = rollbackEntries(root.fsPath).length;

    observability.securityViolation('forbidden-import');
    // Evaluations run one after another: this one returns after the rollback the violation caused.
    await observability.evaluateNow();

    await eventually('.env to turn Chimera off', () => /^CHIMERA_ENABLED=0$/m.test(readFileSync(envPath, 'utf8')) || undefined);
    const snapshot = await eventually('the snapshot to show the automatic rollback', () => (api.rollout.snapshot?.rollback?.active ? api.rollout.snapshot : undefined));
    const rollback = snapshot.rollback!;
    assert.equal(rollback.trigger, 'security-violation');
    assert.equal(rollback.by, 'chimera (automatic)');
    assert.match(rollback.reason, /^automatic rollback: security violations \d+(\.\d+)? > 0 — SEV1$/);
    assert.ok((rollback.values?.securityViolations ?? 0) >= 1, JSON.stringify(rollback.values));
    assert.equal(snapshot.features.analysis, false);
    assert.equal(snapshot.resolution.flags.CHIMERA_ENABLED.source, 'rollback');

    const entries = rollbackEntries(root.fsPath);
    assert.equal(entries.length, before + 1);
    const entry = entries[entries.length - 1]!;
    assert.equal(entry.who, 'chimera (automatic)');
    assert.equal((entry.details as { trigger?: string }).trigger, 'security-violation');

    const viewed = await renderedState(api, "the view's security trigger to count the violation", (s) => /^[1-9]/.test(sourceOf(s, 'security-violation', 'local')?.value ?? ''));
    assert.match(sourceOf(viewed, 'security-violation', 'local')!.detail, /^securityViolation\(\) → chimera_security_violations_total/);

    const firing = observability.current().guard.firing;
    assert.equal(observability.current().guard.state, 'fired');
    assert.equal(firing?.trigger, 'security-violation');
    assert.equal(firing?.severity, 'SEV1');

    // No flapping: more trouble while fired neither rolls back again nor replaces the reason.
    observability.securityViolation('sandbox-escape');
    await observability.evaluateNow();
    assert.equal(rollbackEntries(root.fsPath).length, before + 1);
    assert.equal(observability.current().guard.firing?.at, firing!.at);

    await vscode.commands.executeCommand('chimera.rearm');
    assert.equal(api.rollout.snapshot?.rollback?.active, false);
    await eventually('the guard to re-arm with the persisted state', () => observability.current().guard.state === 'armed' || undefined);
    // Re-armed means new data only: the violations from before the re-arm do not fire again.
    const after = await observability.evaluateNow();
    assert.equal(after.guard.state, 'armed');
    assert.equal(rollbackEntries(root.fsPath).length, before + 1);
  });
});
