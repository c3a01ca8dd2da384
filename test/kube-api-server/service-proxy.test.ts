import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, readyPod, startEchoServer, startHarness, type EchoedRequest, type Harness } from './helpers.ts';

const TOKEN = 'cluster-admin-token';
const NS = 'proxy';
let h: Harness;
let echo: Awaited<ReturnType<typeof startEchoServer>>;
let secure: Awaited<ReturnType<typeof startEchoServer>>;

beforeAll(async () => {
  h = await startHarness({ token: TOKEN });
  echo = await startEchoServer({
    answer(req, body, res) {
      if (req.url === '/login') return res.writeHead(302, { Location: '/login/form', 'Access-Control-Allow-Origin': '*' }).end(), true;
      if (req.method !== 'POST') return false;
      res.writeHead(201, { 'Content-Type': 'application/yaml', 'X-Backend': 'gw', 'Access-Control-Allow-Origin': '*' });
      res.end(`created: ${body}`);
      return true;
    },
  });
  secure = await startEchoServer({ tls: true });
  const ports = [{ name: 'web', containerPort: echo.port }];
  await readyPod(h.core, NS, 'echo-0', { labels: { app: 'echo' }, ports });
  await readyPod(h.core, NS, 'echo-unready', { labels: { app: 'echo' }, ports: [{ name: 'web', containerPort: await closedPort() }], ready: false });
  await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'echo' }, spec: { selector: { app: 'echo' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }, { name: 'admin', port: 81, targetPort: 9 }] } } });
  await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'plain' }, spec: { selector: { app: 'echo' }, ports: [{ port: 8080, targetPort: echo.port }] } } });
  await readyPod(h.core, NS, 'secure-0', { labels: { app: 'secure' }, ports: [{ name: 'https', containerPort: secure.port }] });
  await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'secure' }, spec: { selector: { app: 'secure' }, ports: [{ name: 'https', port: 443, targetPort: 'https' }] } } });
  await readyPod(h.core, NS, 'waiting-0', { labels: { app: 'waiting' }, ready: false });
  await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'waiting' }, spec: { selector: { app: 'waiting' }, ports: [{ port: 80 }] } } });
  await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'nobody' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } } });
  await readyPod(h.core, NS, 'down-0', { labels: { app: 'down' }, ports: [{ name: 'web', containerPort: await closedPort() }] });
  await h.core.createNamespacedService({ namespace: NS, body: { metadata: { name: 'down' }, spec: { selector: { app: 'down' }, ports: [{ port: 80, targetPort: 'web' }] } } });
});
afterAll(async () => {
  await h.server.close();
  await echo.close();
  await secure.close();
});

const proxy = (id: string, rest = '', init: RequestInit = {}) =>
  fetch(`${h.server.url}/api/v1/namespaces/${NS}/services/${id}/proxy${rest}`, { redirect: 'manual', ...init, headers: { Authorization: `Bearer ${TOKEN}`, ...init.headers } });

/** A GET with exactly these headers (fetch would drop Connection). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('services/{name}/proxy', () => {
  it('forwards method, path and query to a ready pod, without Authorization, Impersonate-* and hop-by-hop headers', async () => {
    const res = await rawGet(`/api/v1/namespaces/${NS}/services/echo:http/proxy/api/management/v1/rest-apis?x=1&y=a%2Fb`, {
      Authorization: `Bearer ${TOKEN}`,
      'Impersonate-User': 'admin',
      'Impersonate-Group': 'system:masters',
      'X-Request-Id': 'r-1',
      Connection: 'keep-alive, X-Drop',
      'X-Drop': 'hop',
      'Keep-Alive': 'timeout=5',
    });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body) as EchoedRequest;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/api/management/v1/rest-apis?x=1&y=a%2Fb');
    expect(seen.headers['x-request-id']).toBe('r-1');
    for (const stripped of ['authorization', 'impersonate-user', 'impersonate-group', 'x-drop', 'keep-alive']) expect(seen.headers).not.toHaveProperty(stripped);
    expect(seen.headers.host).toBe(`127.0.0.1:${echo.port}`);
    expect(seen.headers['x-forwarded-uri']).toBe(`/api/v1/namespaces/${NS}/services/echo:http/proxy/api/management/v1/rest-apis`);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    // The not-ready pod behind the same Service (nothing listens on its port) is never chosen.
    for (let i = 0; i < 10; i++) expect((await proxy('echo:http', '/again')).status).toBe(200);
  });

  it('forwards bodies of any method and returns the backend status, headers and body unchanged (CORS headers aside)', async () => {
    const res = await proxy('echo:http', '/api/management/v1/rest-apis', { method: 'POST', headers: { 'Content-Type': 'application/yaml' }, body: 'kind: RestApi\n' });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/yaml');
    expect(res.headers.get('x-backend')).toBe('gw');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.text()).toBe('created: kind: RestApi\n');
    expect(echo.requests.at(-1)).toMatchObject({ method: 'POST', headers: { 'content-type': 'application/yaml' } });
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await proxy('echo:http', '/x', { method, body: method === 'DELETE' ? undefined : '{}', headers: { 'Content-Type': 'application/json' } });
      expect(((await r.json()) as EchoedRequest).method).toBe(method);
    }
    expect(h.server.requestCounts()).toMatchObject({ 'get services/proxy': expect.any(Number), 'create services/proxy': 1, 'update services/proxy': 1, 'patch services/proxy': 1, 'delete services/proxy': 1 });
  });

  it('keeps a path-only redirect under the proxy', async () => {
    const res = await proxy('echo:http', '/login');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`/api/v1/namespaces/${NS}/services/echo:http/proxy/login/form`);
  });

  it('resolves the port by name or number, the only port when unnamed, and a numeric or named targetPort', async () => {
    expect(((await (await proxy('echo:80', '/n')).json()) as EchoedRequest).url).toBe('/n');
    expect(((await (await proxy('plain', '/')).json()) as EchoedRequest).url).toBe('/');
    expect(((await (await proxy('plain')).json()) as EchoedRequest).url).toBe('/');
    expect(((await (await proxy('plain:8080', '/p')).json()) as EchoedRequest).url).toBe('/p');
    expect(((await (await proxy('https:secure:https', '/s')).json()) as EchoedRequest).url).toBe('/s');
  });

  it('answers as kube-apiserver when it cannot: 503 without endpoints, 404 for an unknown service, 400 for a bad id', async () => {
    const status = async (id: string) => {
      const res = await proxy(id, '/x');
      const body = (await res.json()) as any;
      expect(body).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: res.status });
      return [res.status, body.reason, body.message];
    };
    expect(await status('echo')).toEqual([503, 'ServiceUnavailable', 'no endpoints available for service "echo"']);
    expect(await status('echo:82')).toEqual([503, 'ServiceUnavailable', 'no service port 82 found for service "echo"']);
    expect(await status('waiting')).toEqual([503, 'ServiceUnavailable', 'no endpoints available for service "waiting"']);
    expect(await status('nobody:80')).toEqual([503, 'ServiceUnavailable', 'no endpoints available for service "nobody"']);
    expect(await status('missing')).toEqual([404, 'NotFound', 'endpoints "missing" not found']);
    expect(await status('missing:80')).toEqual([404, 'NotFound', 'services "missing" not found']);
    expect(await status('ftp:echo:80')).toEqual([400, 'BadRequest', 'invalid service request "ftp:echo:80"']);
    const [code, reason, message] = await status('down');
    expect([code, reason]).toEqual([503, 'ServiceUnavailable']);
    expect(message).toMatch(/^error trying to reach service: dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/);
  });

  it('needs the caller to be authenticated, and says what RBAC refused', async () => {
    expect((await fetch(`${h.server.url}/api/v1/namespaces/${NS}/services/echo:http/proxy/`)).status).toBe(401);
    h.server.faults.inject({ path: /services\/echo:http\/proxy/, forbidden: true, times: 1 });
    const res = await proxy('echo:http', '/x');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `services "echo:http" is forbidden: User "kube-api-server" cannot get resource "services/proxy" in API group "" in the namespace "${NS}"`,
      reason: 'Forbidden',
      details: { name: 'echo:http', kind: 'services' },
      code: 403,
    });
  });
});
