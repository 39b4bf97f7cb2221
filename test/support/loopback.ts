import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A free loopback port: bound once and released (a small race, fine for tests). */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface LoopbackGateway {
  url: string;
  server: Server;
  close(): void;
}

/**
 * A trustless IPFS gateway on 127.0.0.1 (`/ipfs/<cid>?format=raw`): `answer` says what to do for a CID — right bytes,
 * wrong bytes, never answer — and a CID it has no answer for is a 404.
 */
export async function startGateway(answer: (cid: string) => ((res: ServerResponse) => void) | undefined, onRequest?: (req: IncomingMessage) => void): Promise<LoopbackGateway> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    onRequest?.(req);
    const match = /^\/ipfs\/([a-z0-9]+)\?format=raw$/.exec(req.url ?? '');
    const respond = match ? answer(match[1]!) : undefined;
    if (!respond) return void res.writeHead(404).end('not found');
    res.setHeader('content-type', 'application/vnd.ipld.raw');
    respond(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Serves fixed blocks by CID (the bytes may deliberately be another block's). */
export function startBlockGateway(blocks: ReadonlyMap<string, Uint8Array>): Promise<LoopbackGateway> {
  return startGateway((cid) => {
    const bytes = blocks.get(cid);
    return bytes && ((res) => res.end(bytes));
  });
}
