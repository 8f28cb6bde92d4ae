/** A local webhook receiver for notification tests: records every POST; `respond` may answer (or never answer) itself. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface Received {
  path: string;
  contentType: string;
  body: string;
}

/** Starts a receiver on a free port of 127.0.0.1; `respond` returns true when it handled the answer (default 200). */
export async function startWebhookReceiver(respond: (req: IncomingMessage, res: ServerResponse) => boolean = () => false) {
  const received: Received[] = [];
  let waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body });
      const w = waiters;
      waiters = [];
      w.forEach((f) => f());
      if (!respond(req, res)) res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** Resolves once `n` requests in total have arrived. */
    async until(n: number) {
      while (received.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
