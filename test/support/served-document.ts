import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A document served over http as an `openapiRef.url` reads it: `body()` is read on every request, so a test can change it between syncs. */
export async function serveDocument(body: () => string): Promise<{ url: string; close(): void }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/yaml' }).end(body()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.yaml`, close: () => void server.close() };
}
