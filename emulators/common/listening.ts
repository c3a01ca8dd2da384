/** Where a vendor emulator listens: a port on a host, over HTTP or HTTPS with a self-signed certificate made at start. */
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../kube-api-server/tls.ts';

export interface Listening {
  server: Server;
  /** `http(s)://host:port`, as clients reach it (a wildcard listen host is reached on loopback). */
  url: string;
  /** `host:port` of `url`. */
  host: string;
  port: number;
  /** With `tls`: the certificate, its own CA, for clients to trust instead of skipping verification. */
  caPem?: string;
  /** Stops listening and ends the connections still open. */
  close(): Promise<void>;
}

export async function listen(listener: RequestListener, opts: { host?: string; port?: number; tls?: boolean }): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const cert = opts.tls ? selfSignedCertificate([urlHost.replace(/^\[|\]$/g, '')]) : undefined;
  const server = cert ? createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `${cert ? 'https' : 'http'}://${urlHost}:${port}`,
    host: `${urlHost}:${port}`,
    port,
    ...(cert ? { caPem: cert.certPem } : {}),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
