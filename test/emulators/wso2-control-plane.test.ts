/**
 * The WSO2 control plane emulator's HTTP side, in both flavours: discovery, TLS, authentication, the internal REST
 * API's contract (archives, lists, errors; answers checked against the spec's schemas), token regeneration, down
 * mode and faults. The WebSocket side is in wso2-control-plane-socket.test.ts.
 */
import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import { extract } from 'tar-stream';
import { Agent, fetch } from 'undici';
import { WebSocket } from 'ws';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAjv } from '../../emulators/openapi/ajv.ts';
import { normalizeDocument } from '../../emulators/openapi/normalize.ts';
import { startControlPlaneEmulator, type ControlPlaneEmulator, type Flavour } from '../../emulators/wso2/control-plane/index.ts';
import { resolveInternalApiSpec } from '../../emulators/wso2/control-plane/specs.ts';

const fixture = (name: string): Record<string, unknown> =>
  parseYaml(readFileSync(new URL(`../e2e/fixtures/wso2-operator/gateway-examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const PETSTORE = fixture('petstore-api.yaml');
const LLM_PROVIDER = fixture('llm-provider.yaml');
const LLM_PROXY = fixture('llm-proxy.yaml');
const MCP = fixture('mcp-proxy.yaml');

/** The spec's component schemas, to check what the emulator answers (its `nullable`s read as OpenAPI 3.0 ones). */
const spec = (() => {
  const doc = parseYaml(readFileSync(resolveInternalApiSpec(), 'utf8')) as Record<string, unknown>;
  normalizeDocument(doc, '3.0.3');
  const ajv = createAjv('strict', 'urn:test:internal-api', doc);
  return (schema: string, value: unknown): string[] => {
    const validate = ajv.getSchema(`urn:test:internal-api#/components/schemas/${schema}`)!;
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
})();

interface Answer {
  status: number;
  headers: Headers;
  raw: Buffer;
  json?: any;
}

function restClient(cp: ControlPlaneEmulator) {
  const dispatcher = new Agent({ connect: { ca: cp.caPem } });
  return {
    async call(path: string, o: { token?: string; method?: string; body?: unknown; accept?: string; base?: string } = {}): Promise<Answer> {
      const headers: Record<string, string> = {};
      if (o.token) headers['api-key'] = o.token;
      if (o.accept) headers.accept = o.accept;
      if (o.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch((o.base ?? cp.restBase) + path, {
        method: o.method ?? (o.body === undefined ? 'GET' : 'POST'),
        headers,
        body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
        dispatcher,
      });
      const raw = Buffer.from(await res.arrayBuffer());
      const json = res.headers.get('content-type')?.includes('json') ? JSON.parse(raw.toString('utf8')) : undefined;
      return { status: res.status, headers: res.headers as unknown as Headers, raw, json };
    },
    close: () => dispatcher.close(),
  };
}

/** Opens a gateway connection; resolves with its first message, or rejects with the HTTP status of a refusal. */
function connect(cp: ControlPlaneEmulator, token: string | undefined): Promise<{ ws: WebSocket; first: any; closed: Promise<number> }> {
  const ws = new WebSocket(cp.wsUrl, { headers: token ? { 'api-key': token } : {}, ca: cp.caPem });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('error', (e) => reject(new Error(e.message)));
    ws.once('message', (data) => resolve({ ws, first: JSON.parse(data.toString()), closed }));
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
  });
}

async function untar(archive: Buffer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const tar = extract();
  Readable.from([gunzipSync(archive)]).pipe(tar);
  for await (const entry of tar) files[entry.header.name] = (await buffer(entry)).toString('utf8');
  return files;
}

const unzip = (archive: Buffer): Record<string, string> =>
  Object.fromEntries(Object.entries(unzipSync(new Uint8Array(archive))).map(([name, data]) => [name, Buffer.from(data).toString('utf8')]));

describe.each<Flavour>(['apim', 'platform'])('%s control plane over HTTPS', (flavour) => {
  let cp: ControlPlaneEmulator;
  let http: ReturnType<typeof restClient>;
  let gw: { id: string; token: string };
  let n = 0;

  beforeEach(async () => {
    cp = await startControlPlaneEmulator({ flavour });
    http = restClient(cp);
    gw = cp.registerGateway(`gw-${++n}`);
  });
  afterEach(async () => {
    await http.close();
    await cp.close();
  });

  it('serves its REST API and WebSocket under the base its flavour names', () => {
    const base = flavour === 'apim' ? '/internal/data/v1' : '/api/internal/v1';
    expect(cp.restBase).toBe(`${cp.url}${base}`);
    expect(cp.wsUrl).toBe(`${cp.url.replace('https', 'wss')}${base}/ws/gateways/connect`);
    expect(cp.host).toBe(cp.url.slice('https://'.length));
  });

  it('answers discovery as APIM 4.7 does, or 404 as the Platform API does', async () => {
    const res = await http.call('/internal/gateway/.well-known', { base: cp.url });
    if (flavour === 'apim') expect(res).toMatchObject({ status: 200, json: { gatewayPath: 'internal/data/v1', controlPlane: { type: 'APIM', version: '4.7.0' } } });
    else expect(res.status).toBe(404);
    expect(cp.violations()).toEqual([]);
  });

  it('is trusted through its CA and refused by a client that does not trust it', async () => {
    expect((await http.call('/deployments', { token: gw.token })).status).toBe(200);
    await expect(fetch(`${cp.restBase}/deployments`, { headers: { 'api-key': gw.token } })).rejects.toThrow();
  });

  it('authenticates every REST call with the api-key header', async () => {
    expect(await http.call('/deployments')).toMatchObject({ status: 401, json: { code: 401, message: 'Unauthorized', description: "API key is required. Provide 'api-key' header." } });
    expect(await http.call('/deployments', { token: 'not-a-token' })).toMatchObject({ status: 401, json: { description: 'Invalid or expired API key' } });
    expect(await http.call('/deployments', { token: gw.token })).toMatchObject({ status: 200, json: { deployments: [] } });
    expect(cp.calls.at(-1)).toMatchObject({ method: 'GET', status: 200, gatewayId: gw.id });
    expect(cp.violations()).toEqual([]);
  });

  it('serves each kind as a zip of one YAML named after the kind and the artifact id', async () => {
    for (const [artifact, collection, prefix] of [
      [PETSTORE, 'apis', 'api'],
      [LLM_PROVIDER, 'llm-providers', 'llm-provider'],
      [LLM_PROXY, 'llm-proxies', 'llm-proxy'],
      [MCP, 'mcp-proxies', 'mcp-proxy'],
    ] as const) {
      const { artifactId } = cp.deploy(gw.id, artifact);
      const res = await http.call(`/${collection}/${artifactId}`, { token: gw.token, accept: 'application/zip' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${prefix}-${artifactId}.zip"`);
      const files = unzip(res.raw);
      expect(Object.keys(files)).toEqual([`${prefix}-${artifactId}.yaml`]);
      expect(parseYaml(files[`${prefix}-${artifactId}.yaml`]!)).toEqual(artifact);
    }
    expect(cp.violations()).toEqual([]);
  });

  it('answers 404 for an unknown artifact, one of another kind, and one not deployed on the gateway', async () => {
    const { artifactId } = cp.deploy(gw.id, PETSTORE);
    expect(await http.call('/apis/6f1c1d1e-0000-4000-8000-000000000000', { token: gw.token })).toMatchObject({ status: 404, json: { description: 'API not found' } });
    expect(await http.call(`/llm-providers/${artifactId}`, { token: gw.token })).toMatchObject({ status: 404, json: { description: 'LLM Provider not found' } });
    const other = cp.registerGateway(`other-${n}`);
    expect((await http.call(`/apis/${artifactId}`, { token: other.token })).status).toBe(404);
    cp.undeploy(gw.id, artifactId);
    expect(await http.call(`/apis/${artifactId}`, { token: gw.token })).toMatchObject({ status: 404, json: { description: 'No active deployment found for this API on this gateway' } });
    expect(cp.violations()).toEqual([]);
  });

  it('records a request outside the contract as a violation and answers 400', async () => {
    const res = await http.call('/apis/not-a-uuid', { token: gw.token });
    expect(res.status).toBe(400);
    expect(cp.violations()).toEqual([{ method: 'GET', path: `${new URL(cp.restBase).pathname}/apis/not-a-uuid`, problems: [expect.stringContaining('path /apiId')] }]);
  });

  it('lists deployments by kind with the state they drive towards, a deterministic etag and a since filter', async () => {
    const mcp = cp.deploy(gw.id, MCP);
    const api = cp.deploy(gw.id, PETSTORE);
    const provider = cp.deploy(gw.id, LLM_PROVIDER);
    const undeployed = cp.undeploy(gw.id, provider.artifactId);
    const res = await http.call('/deployments', { token: gw.token });
    expect(spec('GatewayDeploymentsResponse', res.json)).toEqual([]);
    expect(res.json.deployments).toEqual([
      { artifactId: api.artifactId, deploymentId: api.deploymentId, kind: 'RestApi', state: 'DEPLOYED', deployedAt: api.performedAt, etag: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/) },
      { artifactId: provider.artifactId, deploymentId: provider.deploymentId, kind: 'LlmProvider', state: 'UNDEPLOYED', deployedAt: undeployed.performedAt, etag: expect.any(String) },
      { artifactId: mcp.artifactId, deploymentId: mcp.deploymentId, kind: 'Mcp', state: 'DEPLOYED', deployedAt: mcp.performedAt, etag: expect.any(String) },
    ]);
    expect((await http.call('/deployments', { token: gw.token })).json.deployments[0].etag).toBe(res.json.deployments[0].etag);
    const since = await http.call(`/deployments?since=${encodeURIComponent(api.performedAt)}`, { token: gw.token });
    expect(since.json.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([provider.deploymentId]);
    expect(cp.violations()).toEqual([]);
  });

  it('fetches a batch as a tar.gz of {deploymentId}/{prefix}-{artifactId}.yaml, skipping unknown ids', async () => {
    const api = cp.deploy(gw.id, PETSTORE);
    const proxy = cp.deploy(gw.id, LLM_PROXY);
    const res = await http.call('/deployments/fetch-batch', {
      token: gw.token,
      accept: 'application/x-tar+gzip',
      body: { deploymentIds: [api.deploymentId, proxy.deploymentId, 'dep-unknown'] },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-tar+gzip');
    const files = await untar(res.raw);
    expect(Object.keys(files).sort()).toEqual([`${api.deploymentId}/api-${api.artifactId}.yaml`, `${proxy.deploymentId}/llm-proxy-${proxy.artifactId}.yaml`].sort());
    expect(parseYaml(files[`${proxy.deploymentId}/llm-proxy-${proxy.artifactId}.yaml`]!)).toEqual(LLM_PROXY);
    expect(cp.violations()).toEqual([]);
  });

  it('refuses an empty batch with 400 and another Accept with 406', async () => {
    const empty = await http.call('/deployments/fetch-batch', { token: gw.token, accept: 'application/x-tar+gzip', body: { deploymentIds: [] } });
    expect(empty).toMatchObject({ status: 400, json: { code: 400, description: 'At least one deployment ID is required' } });
    expect(spec('ErrorResponse', empty.json)).toEqual([]);
    const json = await http.call('/deployments/fetch-batch', { token: gw.token, accept: 'application/json', body: { deploymentIds: ['x'] } });
    expect(json.status).toBe(406);
    expect(cp.violations()).toEqual([]);
  });

  it('does not leak another gateway\'s deployments into a batch', async () => {
    const other = cp.registerGateway(`batch-other-${n}`);
    const theirs = cp.deploy(other.id, PETSTORE);
    const res = await http.call('/deployments/fetch-batch', { token: gw.token, accept: 'application/x-tar+gzip', body: { deploymentIds: [theirs.deploymentId] } });
    expect(await untar(res.raw)).toEqual({});
  });

  it('serves a malformed artifact deployed through the hook exactly as given', async () => {
    const broken = 'apiVersion: gateway.api-platform.wso2.com/v1\nkind: RestApi\nmetadata: [unclosed\n';
    const bad = cp.deploy(gw.id, broken, { kind: 'RestApi' });
    expect(unzip((await http.call(`/apis/${bad.artifactId}`, { token: gw.token })).raw)).toEqual({ [`api-${bad.artifactId}.yaml`]: broken });
    const missing = cp.deploy(gw.id, { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'RestApi', metadata: { name: 'no-spec' } });
    expect(parseYaml(Object.values(unzip((await http.call(`/apis/${missing.artifactId}`, { token: gw.token })).raw))[0]!)).toEqual({
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'RestApi',
      metadata: { name: 'no-spec' },
    });
    expect(() => cp.deploy(gw.id, 'not: an artifact')).toThrow(/options.kind/);
  });

  it('redeploys an artifact of the same kind and name under its id, with a new deployment', async () => {
    const first = cp.deploy(gw.id, PETSTORE);
    const second = cp.deploy(gw.id, { ...PETSTORE, spec: { ...(PETSTORE.spec as object), version: 'v1.1' } });
    expect(second.artifactId).toBe(first.artifactId);
    expect(second.deploymentId).not.toBe(first.deploymentId);
    expect(Date.parse(second.performedAt)).toBeGreaterThan(Date.parse(first.performedAt));
    expect(cp.deploymentStatus(first.deploymentId)).toMatchObject({ status: 'ARCHIVED' });
    expect(cp.deploymentStatus(second.deploymentId)).toMatchObject({ status: 'DEPLOYING', desired: 'DEPLOYED' });
  });

  it('lists subscription plans, an API\'s subscriptions (403 when not deployed here) and API keys by kind and issuer', async () => {
    const plan = cp.createPlan({ planName: 'Gold Plan', throttleLimitCount: 1000, throttleLimitUnit: 'Hour' });
    const api = cp.deploy(gw.id, PETSTORE);
    const sub = cp.createSubscription(api.artifactId, { subscriptionPlanId: plan.id, applicationId: '0b7f3c3e-1111-4222-8333-444455556666' });
    const key = cp.createApiKey(api.artifactId, { name: 'acme-key', issuer: 'api-platform-devportal' });
    cp.createApiKey(api.artifactId, { name: 'other-key' });

    const plans = await http.call('/subscription-plans', { token: gw.token });
    const mine = plans.json.find((p: { id: string }) => p.id === plan.id);
    expect(mine).toMatchObject({ planName: 'Gold Plan', handle: 'gold-plan', stopOnQuotaReach: false, throttleLimitCount: 1000, throttleLimitUnit: 'Hour', status: 'ACTIVE' });
    expect(spec('GatewaySubscriptionPlanInfo', mine)).toEqual([]);

    const subs = await http.call(`/apis/${api.artifactId}/subscriptions`, { token: gw.token });
    expect(subs.json).toEqual([expect.objectContaining({ id: sub.id, apiId: api.artifactId, subscriptionToken: sub.subscriptionToken, subscriptionPlanId: plan.id, status: 'ACTIVE' })]);
    expect(spec('GatewaySubscriptionInfo', subs.json[0])).toEqual([]);
    const other = cp.registerGateway(`subs-other-${n}`);
    expect(await http.call(`/apis/${api.artifactId}/subscriptions`, { token: other.token })).toMatchObject({ status: 403 });

    const keys = await http.call('/apis/api-keys?issuer=api-platform-devportal', { token: gw.token });
    expect(keys.json).toEqual([expect.objectContaining({ uuid: key.uuid, name: 'acme-key', artifactUuid: api.artifactId, status: 'active', source: 'external', externalRefId: null, maskedApiKey: key.maskedApiKey })]);
    expect(keys.json[0].apiKeyHashes.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(spec('InternalAPIKeyItem', keys.json[0])).toEqual([]);
    expect(keys.raw.toString()).not.toContain(key.apiKey);
    expect((await http.call('/apis/api-keys', { token: gw.token })).json).toHaveLength(2);
    expect((await http.call('/llm-providers/api-keys', { token: gw.token })).json).toEqual([]);
    expect((await http.call('/apis/api-keys', { token: other.token })).json).toEqual([]);
    expect(cp.violations()).toEqual([]);
  });

  it('tells which artifacts still exist', async () => {
    const api = cp.deploy(gw.id, PETSTORE);
    const gone = cp.deploy(gw.id, MCP);
    cp.delete(gone.artifactId);
    const res = await http.call('/artifacts/exists', { token: gw.token, body: { artifactIds: [api.artifactId, gone.artifactId] } });
    expect(res.json).toEqual({ artifacts: [{ artifactId: api.artifactId, exists: true }, { artifactId: gone.artifactId, exists: false }] });
    expect(spec('ArtifactsExistResponse', res.json)).toEqual([]);
    expect((await http.call('/artifacts/exists', { token: gw.token, body: { artifactIds: [] } })).status).toBe(400);
    expect(cp.violations()).toHaveLength(1); // minItems 1: an empty list is outside the contract
  });

  it("stores a gateway's policy manifest; another gateway's id is forbidden", async () => {
    const body = { policies: [{ name: 'set-headers', version: 'v1.0.0' }] };
    expect((await http.call(`/gateways/${gw.id}/manifest`, { token: gw.token, body })).status).toBe(204);
    expect(cp.manifests().at(-1)).toEqual({ gatewayId: gw.id, body });
    const other = cp.registerGateway(`manifest-other-${n}`);
    expect((await http.call(`/gateways/${other.id}/manifest`, { token: gw.token, body })).status).toBe(403);
    expect(cp.violations()).toEqual([]);
  });

  it('answers 501 for an operation of the spec it does not emulate, and records it', async () => {
    expect((await http.call('/websub-apis/6f1c1d1e-0000-4000-8000-000000000000', { token: gw.token })).status).toBe(501);
    expect(cp.violations()).toEqual([expect.objectContaining({ problems: [expect.stringContaining('getWebSubAPIById')] })]);
  });

  it('regenerating a token retires the old one on REST and on the WebSocket', async () => {
    const fresh = cp.regenerateToken(gw.id);
    expect((await http.call('/deployments', { token: gw.token })).status).toBe(401);
    expect((await http.call('/deployments', { token: fresh })).status).toBe(200);
    if (flavour === 'platform') await expect(connect(cp, gw.token)).rejects.toThrow('Unexpected server response: 401');
    else await expect(connect(cp, gw.token)).rejects.toThrow('closed 4401');
    const ok = await connect(cp, fresh);
    expect(ok.first).toMatchObject({ type: 'connection.ack', gatewayId: gw.id });
    ok.ws.close();
    await ok.closed;
    cp.revokeToken(fresh);
    expect((await http.call('/deployments', { token: fresh })).status).toBe(401);
  });

  it('refuses a WebSocket without a valid token: 401 before the upgrade (Platform API) or close 4401 after it (APIM)', async () => {
    for (const token of [undefined, 'wrong']) {
      if (flavour === 'platform') await expect(connect(cp, token)).rejects.toThrow('Unexpected server response: 401');
      else await expect(connect(cp, token)).rejects.toThrow('closed 4401');
    }
    expect(cp.connections()).toEqual([]);
  });

  it('goes down: REST 503, connections cut and refused; changes kept, their events lost; back up as it was left', async () => {
    const live = await connect(cp, gw.token);
    cp.setDown(true);
    expect(await live.closed).toBe(1006);
    expect(await http.call('/deployments', { token: gw.token })).toMatchObject({ status: 503, json: { description: 'control plane down for a while' } });
    await expect(connect(cp, gw.token)).rejects.toThrow('Unexpected server response: 503');
    const whileDown = cp.deploy(gw.id, PETSTORE);
    expect(cp.events(gw.id).at(-1)).toMatchObject({ envelope: { type: 'api.deployed' }, deliveredTo: 0 });
    cp.setDown(false);
    const again = await connect(cp, gw.token);
    const listed = await http.call('/deployments', { token: gw.token });
    expect(listed.json.deployments.map((d: { deploymentId: string }) => d.deploymentId)).toEqual([whileDown.deploymentId]);
    again.ws.close();
    await again.closed;
  });

  it('injects faults on REST calls and on the WebSocket upgrade', async () => {
    cp.faults.inject({ path: /\/deployments$/, status: 500, times: 1, retryAfterSeconds: 3 });
    const failed = await http.call('/deployments', { token: gw.token });
    expect(failed).toMatchObject({ status: 500, json: { code: 500, description: 'injected fault' } });
    expect(failed.headers.get('retry-after')).toBe('3');
    expect((await http.call('/deployments', { token: gw.token })).status).toBe(200);
    cp.faults.inject({ path: /\/ws\/gateways\/connect$/, status: 403, times: 1 });
    await expect(connect(cp, gw.token)).rejects.toThrow('Unexpected server response: 403');
    cp.faults.inject({ path: /\/deployments$/, dropConnection: true, times: 1 });
    await expect(http.call('/deployments', { token: gw.token })).rejects.toThrow();
    expect(cp.calls.filter((c) => c.status === 0)).toHaveLength(1);
  });
});
