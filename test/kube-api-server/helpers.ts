import { ApiException, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { startKubeApiServer, type KubeApiServer, type KubeApiServerOptions } from '../../emulators/kube-api-server/index.ts';
import { selfSignedCertificate } from '../../emulators/kube-api-server/tls.ts';

// GKO's CRDs as published (copied from ../shared/crds/gravitee), as test fixtures.
export const CRD_DIR = new URL('../fixtures/crds', import.meta.url).pathname;
export const CRD_FILES = [`${CRD_DIR}/gravitee.io_apiv4definitions.yaml`, `${CRD_DIR}/gravitee.io_managementcontexts.yaml`];

export const G = 'gravitee.io';
export const V = 'v1alpha1';
export const APIS = { group: G, version: V, plural: 'apiv4definitions' } as const;
export const CONTEXTS = { group: G, version: V, plural: 'managementcontexts' } as const;
export const MERGE = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const JSON_PATCH = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);
export const STRATEGIC = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

export interface Harness {
  server: KubeApiServer;
  custom: CustomObjectsApi;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
}

export async function startHarness(opts: KubeApiServerOptions = {}): Promise<Harness> {
  const server = await startKubeApiServer({ crdFiles: CRD_FILES, ...opts });
  const kc = server.kubeConfig();
  return { server, custom: kc.makeApiClient(CustomObjectsApi), core: kc.makeApiClient(CoreV1Api), objects: KubernetesObjectApi.makeApiClient(kc) };
}

/** The Status body of a failed call; fails the test if the call succeeded. */
export async function statusOf(p: Promise<unknown>): Promise<{ code: number; reason: string; message: string; details?: any; kind: string; apiVersion: string; status: string; metadata: unknown }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiException)) throw e;
    // client-node drops the body of some codes (401); the code is still there.
    const body = typeof e.body === 'string' && e.body ? JSON.parse(e.body) : (e.body ?? { code: e.code });
    return body;
  }
  throw new Error('expected the call to fail');
}

/** A ManagementContext as the project's examples write them. */
export function context(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: `${G}/${V}`,
    kind: 'ManagementContext',
    metadata: { name, ...extra },
    spec: { baseUrl: 'http://gravitee:8083', environmentId: 'DEFAULT', organizationId: 'DEFAULT', auth: { bearerToken: 'xyz' } },
  };
}

/** The smallest ApiV4Definition the CRD schema accepts. */
export function apiV4(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return {
    apiVersion: `${G}/${V}`,
    kind: 'ApiV4Definition',
    metadata: { name, ...metadata },
    spec: {
      name: `api ${name}`,
      version: '1.0',
      type: 'PROXY',
      listeners: [{ type: 'HTTP', paths: [{ path: `/${name}` }], entrypoints: [{ type: 'http-proxy' }] }],
      endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'e', type: 'http-proxy', inheritConfiguration: false, configuration: { target: 'http://backend' } }] }],
      ...spec,
    },
  };
}

export const ns = (i = 0) => `ns-${process.pid}-${i}`;

/** A Pod as a test writes it: created (Pending), then given the status a kubelet would write for a running, ready pod. */
export async function readyPod(
  core: CoreV1Api,
  namespace: string,
  name: string,
  opts: { labels?: Record<string, string>; ports?: { name?: string; containerPort: number }[]; ip?: string; ready?: boolean; phase?: string } = {},
) {
  await core.createNamespacedPod({
    namespace,
    body: { metadata: { name, labels: opts.labels }, spec: { containers: [{ name: 'main', image: 'gateway-controller:1.0', ports: opts.ports ?? [] }] } },
  });
  const ready = opts.ready ?? true;
  const status = {
    phase: opts.phase ?? 'Running',
    podIP: opts.ip ?? '127.0.0.1',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: ready ? 'True' : 'False' },
    ],
    containerStatuses: [{ name: 'main', ready, restartCount: 0, image: 'gateway-controller:1.0', imageID: '', started: true, state: { running: {} } }],
  };
  return core.patchNamespacedPodStatus({ namespace, name, body: { status } }, MERGE);
}

export interface EchoedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local HTTP(S) server standing in for a pod: it answers every request with what it received (method, url,
 * headers, body) as JSON, unless `answer` handles it. `requests` records what arrived.
 */
export async function startEchoServer(opts: { tls?: boolean; answer?: (req: IncomingMessage, body: string, res: ServerResponse) => boolean } = {}) {
  const requests: EchoedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      if (opts.answer?.(req, seen.body, res)) return;
      const text = JSON.stringify(seen);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  };
  const cert = opts.tls ? selfSignedCertificate(['127.0.0.1', 'localhost']) : undefined;
  const server = cert ? createHttpsServer({ key: cert.keyPem, cert: cert.certPem }, handler) : createServer(handler);
  const connections = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    connections.add(s);
    s.on('close', () => connections.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    /** Open client connections (each port-forward tunnel is one). */
    connections,
    certPem: cert?.certPem,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A local port nothing listens on (a pod whose process is not up yet). */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
