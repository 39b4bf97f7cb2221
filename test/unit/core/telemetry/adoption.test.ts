import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type AdoptionInputs, type Clock, type ConsentSettings, DailyAdoption, hashId, noneSender, openTelemetryClient } from '../../../../src/core/telemetry';

const freshDir = () => mkdtempSync(join(tmpdir(), 'chimera-telemetry-adoption-'));
const HOUR = 3_600_000;
/** The real clock, moved to a fixed point: 2025-08-26 23:00 UTC plus however long the test has run. */
function clockAt(startIso: string): Clock & { advance(ms: number): void } {
  let offset = Date.parse(startIso) - Date.now();
  return { now: () => Date.now() + offset, advance: (ms) => void (offset += ms) };
}

const INPUTS: AdoptionInputs = {
  machineId: 'a7f3c9e2-machine-id',
  phase: 2,
  features: { chimeraEnabled: true, dryRun: true, wasmExec: false, proteinHash: false, frozen: false, canaryIncluded: true },
};

test('one adoption event per machine per UTC day, across restarts; the next UTC day sends again', async () => {
  const directory = freshDir();
  const clock = clockAt('2025-08-26T22:30:00Z');
  const sent: string[] = [];
  const open = () => openTelemetryClient({ directory, sender: noneSender((line) => sent.push(line)), consent: () => ({ telemetryLevel: 'all', chimeraTelemetryEnabled: true }), salt: 'test:', clock, flushIntervalMs: 0 });

  const client = await open();
  const adoption = await DailyAdoption.open(directory, clock);
  assert.deepEqual(await adoption.recordIfDue(client, INPUTS), { status: 'recorded', day: '2025-08-26' });
  assert.deepEqual(await adoption.recordIfDue(client, INPUTS), { status: 'already-recorded', day: '2025-08-26' });
  await client.dispose();

  // A restart later the same UTC day: nothing new.
  clock.advance(HOUR);
  const restarted = await open();
  const again = await DailyAdoption.open(directory, clock);
  assert.equal(again.lastRecordedDay, '2025-08-26');
  assert.equal((await again.recordIfDue(restarted, INPUTS)).status, 'already-recorded');
  // Past midnight UTC it is a new day.
  clock.advance(HOUR);
  assert.deepEqual(await again.recordIfDue(restarted, INPUTS), { status: 'recorded', day: '2025-08-27' });
  await restarted.dispose();

  const events = sent.map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { name: string; data: Record<string, unknown> });
  assert.deepEqual(events.map((e) => e.data.day), ['2025-08-26', '2025-08-27']);
  assert.deepEqual(events[0]!.data, {
    machine: hashId('test:', INPUTS.machineId),
    day: '2025-08-26',
    phase: '2',
    chimeraEnabled: true,
    dryRun: true,
    wasmExec: false,
    proteinHash: false,
    frozen: false,
    canaryIncluded: true,
  });
  assert.ok(!sent.join('\n').includes(INPUTS.machineId), 'the raw machine id never leaves');
});

test('a day without consent is not marked, so the event goes out once consent is given that day', async () => {
  const directory = freshDir();
  const clock = clockAt('2025-08-26T08:00:00Z');
  let consent: ConsentSettings = { telemetryLevel: 'error', chimeraTelemetryEnabled: true };
  const client = await openTelemetryClient({ directory, sender: noneSender(), consent: () => consent, salt: 'test:', clock, flushIntervalMs: 0 });
  const adoption = await DailyAdoption.open(directory, clock);
  const refused = await adoption.recordIfDue(client, INPUTS);
  assert.equal(refused.status, 'not-recorded');
  assert.equal(refused.status === 'not-recorded' && refused.outcome.status, 'not-consented');
  assert.equal(adoption.lastRecordedDay, undefined);
  consent = { telemetryLevel: 'all', chimeraTelemetryEnabled: true };
  assert.equal((await adoption.recordIfDue(client, INPUTS)).status, 'recorded');
  await client.dispose();
});
