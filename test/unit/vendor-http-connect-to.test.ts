import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../emulators/kube-api-server/tls.ts';
import { SyncError } from '../../shared/engine/errors.ts';
import { VendorHttp } from '../../shared/vendor-http/vendor-http.ts';

const cert = selfSignedCertificate(['docs.example.com']);
const answer = (req: IncomingMessage, res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ host: req.headers.host, path: req.url }));
const plain = createHttpServer(answer);
const tls = createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, answer);
const portOf = (s: { address(): unknown }) => (s.address() as AddressInfo).port;
const loopback = { allowLoopback: true, allowLinkLocal: false };
const clients: VendorHttp[] = [];
const client = (opts: ConstructorParameters<typeof VendorHttp>[0]) => (clients.push(new VendorHttp({ timeoutMs: 5000, ...opts })), clients.at(-1)!);

beforeAll(async () => {
  await Promise.all([plain, tls].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
afterAll(async () => {
  for (const c of clients) await c.close();
  plain.close();
  tls.close();
});

describe('vendor HTTP connectTo (a stand-in answering for a public host)', () => {
  it('connects to the stand-in, keeping the URL and the Host header', async () => {
    const http = client({ policy: loopback, connectTo: { 'docs.example.com:80': `127.0.0.1:${portOf(plain)}` } });
    const res = await http.request({ method: 'GET', url: 'http://docs.example.com/spec.yaml?x=1' });
    expect(res).toMatchObject({ status: 200, body: { host: 'docs.example.com', path: '/spec.yaml?x=1' } });
  });

  it('verifies TLS against the public name with the CAs given, and only those besides the system ones', async () => {
    const connectTo = { 'docs.example.com:443': `127.0.0.1:${portOf(tls)}` };
    const trusted = client({ policy: loopback, connectTo, ca: [cert.certPem] });
    expect(await trusted.request({ method: 'GET', url: 'https://docs.example.com/a' })).toMatchObject({ status: 200, body: { host: 'docs.example.com' } });
    const untrusted = client({ policy: loopback, connectTo });
    await expect(untrusted.request({ method: 'GET', url: 'https://docs.example.com/a' })).rejects.toBeInstanceOf(SyncError);
  });

  it('applies the address policy to the stand-in address', async () => {
    const strict = client({ policy: { allowLoopback: false, allowLinkLocal: false }, connectTo: { 'docs.example.com:80': `127.0.0.1:${portOf(plain)}` } });
    await expect(strict.request({ method: 'GET', url: 'http://docs.example.com/' })).rejects.toMatchObject({ reason: 'AddressRefused', retry: 'permanent' });
  });
});
