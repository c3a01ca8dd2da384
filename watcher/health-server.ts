import type { ServerResponse } from 'node:http';
import { http } from '../shared/node-http.ts';
import type { AddressInfo } from 'node:net';

export interface HealthHandlers {
  ready(): boolean;
  metrics(): string;
}

export interface HealthServer {
  /** The bound address (port 0 resolved). */
  address: { host: string; port: number };
  close(): Promise<void>;
}

/** /healthz (the process answers), /readyz (initial lists done, queue reachable), /metrics (Prometheus text). */
export async function startHealthServer(addr: { host: string; port: number }, h: HealthHandlers): Promise<HealthServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    if (path === '/healthz') return send(res, 200, 'ok\n');
    if (path === '/readyz') return h.ready() ? send(res, 200, 'ready\n') : send(res, 503, 'not ready\n');
    if (path === '/metrics') return send(res, 200, h.metrics(), 'text/plain; version=0.0.4; charset=utf-8');
    send(res, 404, 'not found\n');
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
