import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { selfSignedCertificate } from '../../emulators/kube-api-server/tls.ts';

const fixture = (file: string) => readFileSync(new URL(`../e2e/fixtures/public/${file}`, import.meta.url), 'utf8');

/** Public documents the user's examples name by URL (the tests run offline), with what answers for each. */
const PUBLIC_DOCUMENTS: Record<string, { contentType: string; body: string }> = {
  'https://raw.githubusercontent.com/OAI/OpenAPI-Specification/master/examples/v3.0/petstore.yaml': { contentType: 'text/plain; charset=utf-8', body: fixture('petstore.yaml') },
};

export interface PublicDocuments {
  /** For the sync plane's VendorHttp: connect to the stand-in for those hosts, and trust its certificate. */
  vendorConnectTo: Record<string, string>;
  vendorCa: string[];
  close(): Promise<void>;
}

/** One HTTPS server answering for every host of PUBLIC_DOCUMENTS, with a certificate naming them; 404 for other paths. */
export async function startPublicDocuments(): Promise<PublicDocuments> {
  const urls = Object.keys(PUBLIC_DOCUMENTS).map((u) => new URL(u));
  const hosts = [...new Set(urls.map((u) => u.hostname))];
  const cert = selfSignedCertificate(hosts);
  const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    const doc = PUBLIC_DOCUMENTS[`https://${req.headers.host}${req.url?.split('?')[0]}`];
    if (!doc) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': doc.contentType }).end(doc.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    vendorConnectTo: Object.fromEntries(hosts.map((h) => [`${h}:443`, `127.0.0.1:${port}`])),
    vendorCa: [cert.certPem],
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
