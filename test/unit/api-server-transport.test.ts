import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConnection, type KubeConnection } from '../../shared/kube/connection.ts';
import { portForwardTransport, readyPodFor, serviceProxyTransport } from '../../shared/kube/api-server-transport.ts';
import { SyncError } from '../../shared/engine/errors.ts';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { CoreV1Api } from '@kubernetes/client-node';
import { closedPort, readyPod, startEchoServer, type EchoedRequest } from '../kube-api-server/helpers.ts';

const NS = 'gw-ns';
const TOKEN = 'sync-function-token';
const GATEWAY_AUTH = 'Basic YWRtaW46czNjcjN0'; // admin:s3cr3t
const MGMT = 'http://gateway/api/management/v1';

let server: KubeApiServer;
let conn: KubeConnection;
let core: CoreV1Api;
let gw: Awaited<ReturnType<typeof startEchoServer>>;
let hangUps = 0;

beforeAll(async () => {
  // TLS and a token, as a real API server: the transports must use the connection's CA and credentials.
  server = await startKubeApiServer({ tls: true, token: TOKEN });
  conn = await resolveConnection(server.kubeConfig());
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  gw = await startEchoServer({
    answer(req, _body, res) {
      if (req.url === '/api/management/v1/rest-apis/missing') {
        res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ status: 'error', message: 'API not found' }));
        return true;
      }
      if (req.url === '/api/management/v1/archive') {
        res.writeHead(200, { 'Content-Type': 'application/zip' }).end(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
        return true;
      }
      if (req.url === '/api/management/v1/slow') return true; // never answers
      // Closes a kept connection without answering, once per marker: a tunnel that died while idle.
      if (req.url?.startsWith('/api/management/v1/hang-up') && hangUps-- > 0) {
        req.socket.destroy();
        return true;
      }
      return false;
    },
  });
  await readyPod(core, NS, 'gw-controller-b', { labels: { app: 'gw' }, ports: [{ name: 'rest', containerPort: gw.port }] });
  await readyPod(core, NS, 'gw-controller-a', { labels: { app: 'gw' }, ports: [{ name: 'rest', containerPort: gw.port }] });
  await readyPod(core, NS, 'gw-controller-0', { labels: { app: 'gw' }, ports: [{ name: 'rest', containerPort: gw.port }], ready: false });
  await readyPod(core, NS, 'gw-controller-pending', { labels: { app: 'gw' }, ports: [{ name: 'rest', containerPort: gw.port }], ready: false, phase: 'Pending' });
  await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'gw' }, spec: { selector: { app: 'gw' }, ports: [{ name: 'rest', port: 9090, targetPort: 'rest' }, { name: 'admin', port: 9092, targetPort: 9092 }] } } });
  await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'idle' }, spec: { selector: { app: 'idle' }, ports: [{ port: 9090 }] } } });
  await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'manual' }, spec: { ports: [{ port: 9090 }] } } });
});
afterAll(async () => {
  await server.close();
  await gw.close();
});

/** The SyncError a call fails with; fails the test if it succeeds. */
async function failure(p: Promise<unknown>): Promise<SyncError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SyncError);
    expect((e as Error).message).not.toContain('s3cr3t');
    expect((e as Error).message).not.toContain(GATEWAY_AUTH);
    expect((e as Error).message).not.toContain(TOKEN);
    return e as SyncError;
  }
  throw new Error('expected the call to fail');
}

describe('serviceProxyTransport', () => {
  const proxy = () => serviceProxyTransport({ connection: conn, namespace: NS, service: 'gw', port: 9090 });

  it('sends path and query through services/{name}:{port}/proxy with the connection auth; the request Authorization does not reach the pod', async () => {
    const res = await proxy().request({ method: 'GET', url: `${MGMT}/rest-apis?x=1`, headers: { Authorization: GATEWAY_AUTH } });
    expect(res.status).toBe(200);
    const seen = res.body as EchoedRequest;
    expect(seen.url).toBe('/api/management/v1/rest-apis?x=1');
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-forwarded-uri']).toBe(`/api/v1/namespaces/${NS}/services/gw:9090/proxy/api/management/v1/rest-apis`);
    expect(server.requestCounts()['get services/proxy']).toBeGreaterThanOrEqual(1);
  });

  it('carries JSON, form and raw bodies; answers are parsed as VendorHttp parses them', async () => {
    const t = proxy();
    const json = (await t.request({ method: 'POST', url: `${MGMT}/subscriptions`, json: { apiId: 'a' } })).body as EchoedRequest;
    expect(json).toMatchObject({ method: 'POST', body: '{"apiId":"a"}', headers: { 'content-type': 'application/json' } });
    const form = (await t.request({ method: 'PUT', url: `${MGMT}/f`, form: { a: ['1', '2'] } })).body as EchoedRequest;
    expect(form).toMatchObject({ body: 'a=1&a=2', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const yaml = (await t.request({ method: 'PUT', url: `${MGMT}/rest-apis/x`, body: { data: 'kind: RestApi\n', contentType: 'application/yaml' } })).body as EchoedRequest;
    expect(yaml).toMatchObject({ body: 'kind: RestApi\n', headers: { 'content-type': 'application/yaml' } });
    const zip = await t.request({ method: 'GET', url: `${MGMT}/archive`, responseType: 'buffer' });
    expect(zip.body).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(t.calls.total()).toBe(4);
  });

  it("returns the service's own errors as answers, and turns the API server's into SyncErrors", async () => {
    const notFound = await proxy().request({ method: 'GET', url: `${MGMT}/rest-apis/missing` });
    expect(notFound).toMatchObject({ status: 404, body: { status: 'error', message: 'API not found' } });

    const noPod = await failure(serviceProxyTransport({ connection: conn, namespace: NS, service: 'idle', port: 9090 }).request({ method: 'GET', url: `${MGMT}/rest-apis` }));
    expect(noPod).toMatchObject({ retry: 'transient', reason: 'GatewayNotReady' });
    expect(noPod.message).toBe(`request [GET] ${MGMT}/rest-apis through services/proxy of Service ${NS}/idle:9090: the API server answered 503: no endpoints available for service "idle"`);

    server.faults.inject({ path: /services\/gw:9090\/proxy/, forbidden: true, times: 1 });
    const forbidden = await failure(proxy().request({ method: 'PUT', url: `${MGMT}/rest-apis/x`, json: {} }));
    expect(forbidden).toMatchObject({ retry: 'permanent', reason: 'Forbidden' });
    expect(forbidden.message).toContain('cannot update resource "services/proxy"');
    expect(forbidden.message).toMatch(/grant the sync function's Kubernetes identity get, create, update, patch and delete on services\/proxy in namespace gw-ns$/);

    server.faults.inject({ path: /services\/gw:9090\/proxy/, dropConnection: true, times: 1 });
    expect(await failure(proxy().request({ method: 'GET', url: `${MGMT}/rest-apis` }))).toMatchObject({ retry: 'transient', reason: 'Unreachable' });
  });

  it('gives up after the timeout with a transient error naming the call', async () => {
    const t = serviceProxyTransport({ connection: conn, namespace: NS, service: 'gw', port: 'rest', timeoutMs: 150 });
    const e = await failure(t.request({ method: 'GET', url: `${MGMT}/slow` }));
    expect(e).toMatchObject({ retry: 'transient', reason: 'Timeout', message: `request [GET] ${MGMT}/slow through services/proxy of Service ${NS}/gw:rest failed: timed out` });
  });
});

describe('readyPodFor', () => {
  it('picks a Running, Ready pod and the container port the targetPort names', async () => {
    expect(await readyPodFor({ connection: conn, namespace: NS, service: 'gw', port: 9090 })).toEqual({ pod: 'gw-controller-a', port: gw.port, podIP: '127.0.0.1' });
    expect(await readyPodFor({ connection: conn, namespace: NS, service: 'gw', port: 'rest' })).toMatchObject({ pod: 'gw-controller-a', port: gw.port });
    expect(await readyPodFor({ connection: conn, namespace: NS, service: 'gw', port: 'admin' })).toMatchObject({ pod: 'gw-controller-a', port: 9092 });
  });

  it('says why there is none', async () => {
    const none = await failure(readyPodFor({ connection: conn, namespace: NS, service: 'idle' }));
    expect(none).toMatchObject({ retry: 'transient', reason: 'GatewayNotReady', message: `Service ${NS}/idle: no Running and Ready pod selected by app=idle has the port 9090 (0 selected)` });
    expect(await failure(readyPodFor({ connection: conn, namespace: NS, service: 'gw' }))).toMatchObject({ retry: 'permanent', reason: 'InvalidConfiguration' });
    expect(await failure(readyPodFor({ connection: conn, namespace: NS, service: 'gw', port: 1 }))).toMatchObject({ retry: 'permanent', message: `Service ${NS}/gw has no port 1; its ports: rest, admin` });
    expect(await failure(readyPodFor({ connection: conn, namespace: NS, service: 'manual' }))).toMatchObject({ retry: 'permanent', message: `Service ${NS}/manual has no selector: its pods cannot be found for a port-forward` });
    expect(await failure(readyPodFor({ connection: conn, namespace: NS, service: 'gone' }))).toMatchObject({ retry: 'transient', reason: 'GatewayNotReady' });
    server.faults.inject({ method: 'GET', path: /\/pods\?/, forbidden: true, times: 1 });
    const forbidden = await failure(readyPodFor({ connection: conn, namespace: NS, service: 'gw', port: 9090 }));
    expect(forbidden).toMatchObject({ retry: 'permanent', reason: 'Forbidden' });
    expect(forbidden.message).toMatch(/cannot list resource "pods".*grant the sync function's Kubernetes identity list on pods in namespace gw-ns$/);
  });

  it('moves to another pod when the chosen one stops being ready', async () => {
    await readyPod(core, NS, 'gw-controller-z', { labels: { app: 'moving' }, ports: [{ name: 'rest', containerPort: gw.port }] });
    await readyPod(core, NS, 'gw-controller-y', { labels: { app: 'moving' }, ports: [{ name: 'rest', containerPort: gw.port }] });
    await core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'moving' }, spec: { selector: { app: 'moving' }, ports: [{ port: 9090, targetPort: 'rest' }] } } });
    expect((await readyPodFor({ connection: conn, namespace: NS, service: 'moving' })).pod).toBe('gw-controller-y');
    await core.deleteNamespacedPod({ namespace: NS, name: 'gw-controller-y' });
    expect((await readyPodFor({ connection: conn, namespace: NS, service: 'moving' })).pod).toBe('gw-controller-z');
  });
});

describe('portForwardTransport', () => {
  const forward = (extra: { idleMs?: number; timeoutMs?: number; pod?: string; port?: number } = {}) =>
    portForwardTransport({ connection: conn, namespace: NS, pod: extra.pod ?? 'gw-controller-a', port: extra.port ?? gw.port, ...extra });

  it("carries a real HTTP/1.1 exchange to the pod, with the request's own Authorization intact", async () => {
    const target = await readyPodFor({ connection: conn, namespace: NS, service: 'gw', port: 9090 });
    const t = portForwardTransport({ connection: conn, namespace: NS, ...target });
    const res = await t.request({ method: 'PUT', url: `${MGMT}/rest-apis/orders`, headers: { Authorization: GATEWAY_AUTH }, body: { data: 'kind: RestApi\n', contentType: 'application/yaml' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ method: 'PUT', url: '/api/management/v1/rest-apis/orders', body: 'kind: RestApi\n', headers: { authorization: GATEWAY_AUTH, 'content-type': 'application/yaml', host: 'gateway' } });
    const zip = await t.request({ method: 'GET', url: `${MGMT}/archive`, responseType: 'buffer' });
    expect(zip.body).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    expect(await t.request({ method: 'GET', url: `${MGMT}/rest-apis/missing` })).toMatchObject({ status: 404, body: { message: 'API not found' } });
    expect(server.requestCounts()['get pods/portforward']).toBeGreaterThanOrEqual(1);
    t.close();
  });

  it('reuses an idle tunnel for the next calls, or opens one per call with idleMs 0', async () => {
    const kept = forward();
    for (let i = 0; i < 5; i++) expect((await kept.request({ method: 'GET', url: `${MGMT}/rest-apis?i=${i}` })).status).toBe(200);
    expect(kept.tunnelsOpened()).toBe(1);
    kept.close();
    const each = forward({ idleMs: 0 });
    for (let i = 0; i < 3; i++) expect((await each.request({ method: 'GET', url: `${MGMT}/rest-apis?i=${i}` })).status).toBe(200);
    expect(each.tunnelsOpened()).toBe(3);
  });

  it('closes a tunnel left idle for idleMs', async () => {
    const t = forward({ idleMs: 30 });
    const before = new Set(gw.connections);
    await t.request({ method: 'GET', url: `${MGMT}/rest-apis` });
    const [tunnelled] = [...gw.connections].filter((s) => !before.has(s));
    expect(tunnelled).toBeDefined();
    await new Promise((resolve) => tunnelled.once('close', resolve));
    await t.request({ method: 'GET', url: `${MGMT}/rest-apis` });
    expect(t.tunnelsOpened()).toBe(2);
    t.close();
  });

  it('retries an idempotent call once on a new tunnel when a kept one turns out dead; not a POST', async () => {
    const t = forward();
    await t.request({ method: 'GET', url: `${MGMT}/rest-apis` });
    hangUps = 1;
    expect((await t.request({ method: 'GET', url: `${MGMT}/hang-up` })).status).toBe(200);
    expect(t.tunnelsOpened()).toBe(2);
    hangUps = 1;
    const post = await failure(t.request({ method: 'POST', url: `${MGMT}/hang-up`, json: {} }));
    expect(post).toMatchObject({ retry: 'transient', reason: 'Unreachable' });
    expect(post.message).toBe(`request [POST] ${MGMT}/hang-up through pods/portforward to Pod ${NS}/gw-controller-a port ${gw.port} failed: ECONNRESET`);
    t.close();
  });

  it('reports what the kubelet says when the pod refuses the connection', async () => {
    const port = await closedPort();
    const e = await failure(forward({ port }).request({ method: 'GET', url: `${MGMT}/rest-apis`, headers: { Authorization: GATEWAY_AUTH } }));
    expect(e).toMatchObject({ retry: 'transient', reason: 'Unreachable' });
    expect(e.message).toMatch(new RegExp(`^request \\[GET\\] ${MGMT}/rest-apis through pods/portforward to Pod ${NS}/gw-controller-a port ${port} failed: error forwarding port ${port} to pod .*connection refused`));
  });

  it("turns the API server's refusals into SyncErrors: RBAC permanent and naming the permission, a missing pod transient", async () => {
    server.faults.inject({ path: /portforward/, forbidden: true, times: 1 });
    const forbidden = await failure(forward().request({ method: 'GET', url: `${MGMT}/rest-apis`, headers: { Authorization: GATEWAY_AUTH } }));
    expect(forbidden).toMatchObject({ retry: 'permanent', reason: 'Forbidden' });
    expect(forbidden.message).toBe(
      `port-forward to Pod ${NS}/gw-controller-a port ${gw.port}: the API server answered 403: pods "gw-controller-a" is forbidden: User "kube-api-server" cannot get resource "pods/portforward" in API group "" in the namespace "${NS}"; grant the sync function's Kubernetes identity get and create on pods/portforward in namespace ${NS}`,
    );
    const gone = await failure(forward({ pod: 'gw-controller-gone' }).request({ method: 'GET', url: `${MGMT}/rest-apis` }));
    expect(gone).toMatchObject({ retry: 'transient', reason: 'GatewayNotReady', message: `port-forward to Pod ${NS}/gw-controller-gone port ${gw.port}: the API server answered 404: pods "gw-controller-gone" not found` });
    const notRunning = await failure(forward({ pod: 'gw-controller-pending' }).request({ method: 'GET', url: `${MGMT}/rest-apis` }));
    expect(notRunning).toMatchObject({ retry: 'transient', reason: 'KubernetesError' });
    server.faults.inject({ path: /portforward/, dropConnection: true, times: 1 });
    expect(await failure(forward().request({ method: 'GET', url: `${MGMT}/rest-apis` }))).toMatchObject({ retry: 'transient', reason: 'Unreachable' });
  });

  it('speaks TLS to a pod serving https, with the TLS settings of the call', async () => {
    const secure = await startEchoServer({ tls: true });
    try {
      const t = forward({ port: secure.port });
      const url = 'https://localhost/api/management/v1/rest-apis';
      const res = await t.request({ method: 'GET', url, headers: { Authorization: GATEWAY_AUTH }, tls: { ca: [secure.certPem!] } });
      expect(res.body).toMatchObject({ url: '/api/management/v1/rest-apis', headers: { authorization: GATEWAY_AUTH } });
      expect((await t.request({ method: 'GET', url, tls: { ca: [secure.certPem!] } })).status).toBe(200);
      expect(t.tunnelsOpened()).toBe(1);
      const untrusted = await failure(t.request({ method: 'GET', url }));
      expect(untrusted).toMatchObject({ retry: 'transient', reason: 'Unreachable' });
      expect(untrusted.message).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
      t.close();
    } finally {
      await secure.close();
    }
  });

  it('gives up after the timeout', async () => {
    const e = await failure(forward({ timeoutMs: 150 }).request({ method: 'GET', url: `${MGMT}/slow` }));
    expect(e).toMatchObject({ retry: 'transient', reason: 'Timeout', message: `request [GET] ${MGMT}/slow through pods/portforward to Pod ${NS}/gw-controller-a port ${gw.port} failed: timed out` });
  });
});
