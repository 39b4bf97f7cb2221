import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TelemetryBatch } from '../../src/core/telemetry';

/** A real HTTP collector on 127.0.0.1 that answers every batch with `status` and keeps the accepted ones. */
export async function startBatchCollector(status = 200, path = '/'): Promise<{ batches: TelemetryBatch[]; endpoint: string; stop(): Promise<unknown> }> {
  const batches: TelemetryBatch[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (status < 300) batches.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as TelemetryBatch);
    response.writeHead(status).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { batches, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, stop: () => new Promise((resolve) => server.close(resolve)) };
}
