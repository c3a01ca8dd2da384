import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWso2GatewayController, type Wso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';
import { OPERATIONS } from '../../emulators/wso2/gateway-controller/operations.ts';
import { basic, call, envelope, example, fixture } from './wso2-gateway-controller-helpers.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

let emu: Wso2GatewayController;
beforeAll(async () => {
  emu = await startWso2GatewayController({
    users: [
      { username: 'admin', password: 'admin' },
      { username: 'dev', password: 'dev-pw', roles: ['developer'] },
      { username: 'shopper', password: 'shopper-pw', roles: ['consumer'] },
    ],
    bearerTokens: ['idp-token'],
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const samples = fixture('samples/api_v1_restapi.yaml').map(envelope);
const restApi = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'gateway.api-platform.wso2.com/v1',
  kind: 'RestApi',
  metadata: { name },
  spec: { displayName: name, version: 'v1.0', context: `/${name}`, upstream: { main: { url: 'http://backend:8080/api' } }, operations: [{ method: 'GET', path: '/info' }], ...spec },
});

it('emulates every operation of the published management API', () => {
  const spec = parse(readFileSync(new URL('../../emulators/specs/wso2/api-platform/gateway-controller-management-openapi.yaml', import.meta.url), 'utf8'));
  const operationIds = Object.values(spec.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((item) =>
    Object.values(item).flatMap((op) => (typeof op === 'object' && op?.operationId ? [op.operationId] : [])),
  );
  expect(operationIds).toHaveLength(59);
  expect(Object.keys(OPERATIONS).sort()).toEqual([...operationIds].sort());
});

describe('RestApi CRUD with the operator samples', () => {
  it('creates each sample from its YAML envelope with the status the gateway adds', async () => {
    for (const sample of samples) {
      const r = await call(emu, 'POST', '/rest-apis', { body: sample });
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(r.body).toMatchObject({ ...sample, spec: { ...sample.spec } });
      expect(r.body.status).toEqual({ id: sample.metadata.name, state: 'deployed', createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO), deployedAt: expect.stringMatching(ISO) });
      // the router's default vhosts are written into an API created without them
      expect(r.body.spec.vhosts).toEqual({ main: '*', sandbox: 'sandbox-*' });
      expect(emu.state.get('RestApi', sample.metadata.name)?.uuid).toMatch(UUID);
    }
    const list = await call(emu, 'GET', '/rest-apis');
    expect(list.body).toMatchObject({ status: 'success', count: 3 });
    expect(list.body.apis.map((a: any) => a.metadata.name)).toEqual(samples.map((s) => s.metadata.name));
    expect(emu.violations()).toEqual([]);
  });

  it('reads one API in JSON, or YAML when Accept asks for it', async () => {
    const sample = samples[2]!;
    await call(emu, 'POST', '/rest-apis', { body: sample });
    const json = await call(emu, 'GET', `/rest-apis/${sample.metadata.name}`);
    expect(json.headers.get('content-type')).toBe('application/json');
    const yaml = await call(emu, 'GET', `/rest-apis/${sample.metadata.name}`, { accept: 'application/yaml' });
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    expect(yaml.body).toEqual(json.body);
    expect(yaml.body.spec.upstreamDefinitions[0]).toEqual({ name: 'orders-backend', timeout: { connect: '6s' }, upstreams: [{ url: 'http://orders.default.svc.cluster.local:8080' }] });
    // JSON when preferred, and for lists (documented in JSON only)
    expect((await call(emu, 'GET', `/rest-apis/${sample.metadata.name}`, { accept: 'application/yaml;q=0.5, application/json' })).headers.get('content-type')).toBe('application/json');
    expect((await call(emu, 'GET', '/rest-apis', { accept: 'application/yaml' })).headers.get('content-type')).toBe('application/json');
  });

  it('accepts JSON bodies too, and drops fields the gateway types do not know', async () => {
    const api = restApi('json-api', { operations: [{ method: 'GET', path: '/a', description: 'not a gateway field' }] });
    const r = await call(emu, 'POST', '/rest-apis', { body: { ...api, status: { id: 'client-said' } }, json: true });
    expect(r.status).toBe(201);
    expect(r.body.spec.operations).toEqual([{ method: 'GET', path: '/a' }]);
    expect(r.body.status.id).toBe('json-api');
    expect(emu.violations()).toEqual([]);
  });

  it('updates, undeploys and deletes by handle', async () => {
    await call(emu, 'POST', '/rest-apis', { body: restApi('orders') });
    const before = emu.state.get('RestApi', 'orders')!;
    const updated = await call(emu, 'PUT', '/rest-apis/orders', { body: restApi('orders', { context: '/orders/$version', deploymentState: 'undeployed' }) });
    expect(updated.status).toBe(200);
    expect(updated.body.status).toMatchObject({ id: 'orders', state: 'undeployed', createdAt: before.createdAt });
    expect(updated.body.status).not.toHaveProperty('deployedAt');
    expect(emu.state.get('RestApi', 'orders')).toMatchObject({ uuid: before.uuid, desiredState: 'undeployed' });
    // lists show the context with $version resolved, and filter on it
    const listed = await call(emu, 'GET', '/rest-apis?context=/orders/v1.0&status=undeployed');
    expect(listed.body.count).toBe(1);
    expect(listed.body.apis[0].spec.context).toBe('/orders/v1.0');
    expect((await call(emu, 'GET', '/rest-apis?status=deployed')).body.count).toBe(0);
    const redeployed = await call(emu, 'PUT', '/rest-apis/orders', { body: restApi('orders') });
    expect(redeployed.body.status.state).toBe('deployed');

    const removed = await call(emu, 'DELETE', '/rest-apis/orders');
    expect(removed.body).toEqual({ status: 'success', message: 'RestAPI deleted successfully', id: 'orders' });
    for (const [method, body] of [['GET', undefined], ['PUT', restApi('orders')], ['DELETE', undefined]] as const) {
      const r = await call(emu, method, '/rest-apis/orders', { body });
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ status: 'error', message: "RestAPI with handle 'orders' not found" });
    }
    expect(emu.violations()).toEqual([]);
  });

  it('keeps the artifact-id annotation as the gateway id, and refuses one that is not a UUID with its generic 500', async () => {
    const petstore = example('gateway-examples/petstore-api.yaml', 'petstore-api-v1.0');
    expect((await call(emu, 'POST', '/rest-apis', { body: petstore })).status).toBe(201);
    expect(emu.state.get('RestApi', 'petstore-api-v1.0')?.uuid).toBe('019d953f-d386-7a64-4444-1869a28292e0');
    // a POST with the same id replaces the API instead of clashing
    const again = await call(emu, 'POST', '/rest-apis', { body: { ...petstore, spec: { ...petstore.spec, context: '/petstore2' } } });
    expect(again.status).toBe(201);
    expect(emu.state.list('RestApi')).toHaveLength(1);
    const bad = restApi('bad-id');
    const r = await call(emu, 'POST', '/rest-apis', { body: { ...bad, metadata: { name: 'bad-id', annotations: { 'gateway.api-platform.wso2.com/artifact-id': 'not-a-uuid' } } } });
    expect(r).toMatchObject({ status: 500, body: { status: 'error', message: 'Failed to create configuration' } });
  });

  it('answers 409 for a second API with the same handle or the same name and version', async () => {
    await call(emu, 'POST', '/rest-apis', { body: restApi('first') });
    const sameHandle = await call(emu, 'POST', '/rest-apis', { body: restApi('first', { displayName: 'Other' }) });
    expect(sameHandle).toMatchObject({ status: 409, body: { status: 'error', message: "configuration already exists: configuration with handle 'first' already exists" } });
    const sameName = await call(emu, 'POST', '/rest-apis', { body: restApi('second', { displayName: 'first' }) });
    expect(sameName).toMatchObject({ status: 409, body: { message: "configuration already exists: configuration with name 'first' and version 'v1.0' already exists" } });
    const renamedInto = await call(emu, 'PUT', '/rest-apis/first', { body: restApi('first', { displayName: 'first' }) });
    expect(renamedInto.status).toBe(200);
    expect(emu.violations()).toEqual([]);
  });
});

describe('validation: the gateway validator, then the published contract', () => {
  it('answers the validator errors, naming each field, for what the spec allows but the gateway refuses', async () => {
    const r = await call(emu, 'POST', '/rest-apis', {
      body: restApi('refused', {
        upstream: { main: { url: 'ftp://files.example.com' } },
        operations: [{ method: 'GET', path: '/a/{id' }, { method: 'GET', path: '/../_gateway-health/ready' }],
        resilience: { timeout: '1h30m' },
      }),
    });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      status: 'error',
      message: 'Configuration validation failed',
      errors: [
        { field: 'spec.upstream.main.url', message: 'Upstream URL must use http or https scheme' },
        expect.objectContaining({ field: 'spec.resilience.timeout' }),
        { field: 'spec.operations[0].path', message: 'Operation path has unbalanced braces in parameters' },
        { field: 'spec.operations[1].path', message: 'path conflicts with the reserved gateway health-check namespace (/_gateway-health)' },
      ],
    });
    expect(emu.violations().map((v) => v.problems).flat()).toEqual([expect.stringContaining('/spec/resilience/timeout')]);
    expect(emu.state.list('RestApi')).toEqual([]);
  });

  it('refuses policies the gateway image does not have, or full versions, on the version field', async () => {
    const r = await call(emu, 'POST', '/rest-apis', {
      body: restApi('policies', {
        policies: [{ name: 'set-headers', version: 'v1', params: {} }, { name: 'no-such-policy', version: 'v1' }, { name: 'cors', version: 'v2' }],
        operations: [{ method: 'GET', path: '/a', policies: [{ name: 'basic-ratelimit', version: 'v1.0.0' }] }],
      }),
    });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { field: 'spec.policies[1].version', message: "policy 'no-such-policy' major version 'v1' not found in loaded policy definitions" },
      { field: 'spec.policies[2].version', message: "policy 'cors' major version 'v2' not found in loaded policy definitions" },
      {
        field: 'spec.operations[0].policies[0].version',
        message: "policy 'basic-ratelimit' version must be major-only (e.g., v1); full semantic version (e.g., v1.0.0) is not allowed",
      },
    ]);
  });

  it('answers a body outside the contract with the gateway validator when it objects, and records the violation', async () => {
    const r = await call(emu, 'POST', '/rest-apis', { body: restApi('bad', { displayName: 'bad/name' }) });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([
      { field: 'spec.displayName', message: 'API display name must be URL-friendly (only letters, numbers, spaces, hyphens, underscores, and dots allowed)' },
    ]);
    expect(emu.violations()).toEqual([{ method: 'POST', path: '/api/management/v1/rest-apis', problems: [expect.stringMatching(/^body \/spec\/displayName: must match pattern/)] }]);
  });

  it('refuses, naming the field, a body the gateway would take but the spec does not (the spec wins)', async () => {
    const r = await call(emu, 'POST', '/rest-apis', { body: restApi('loose', { version: '1.0.0' }) });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 'error', message: 'Configuration validation failed', errors: [{ field: 'spec.version', message: 'must match pattern "^v\\d+\\.\\d+$"' }] });
    expect(emu.violations()).toHaveLength(1);
    expect(emu.state.list('RestApi')).toEqual([]);
  });

  it('takes the context with $version the spec documents (erratum) and dots', async () => {
    for (const context of ['/reading-list/$version', '/ecommerce/v1.0']) {
      expect((await call(emu, 'POST', '/rest-apis', { body: restApi(`c${context.length}`, { context }) })).status).toBe(201);
    }
    expect(emu.violations()).toEqual([]);
  });

  it('records requests outside the contract: wrong content type, unparsable YAML, unknown path, wrong method, bad query', async () => {
    const asText = await call(emu, 'POST', '/rest-apis', { body: restApi('as-text'), contentType: 'text/plain' });
    expect(asText.status).toBe(400);
    expect(asText.body.errors[0].message).toContain("unsupported content type 'text/plain'");

    const broken = await call(emu, 'POST', '/rest-apis', { body: 'kind: [RestApi' });
    expect(broken.status).toBe(400);
    expect(broken.body.message).toMatch(/^failed to parse configuration: /);

    const badJson = await call(emu, 'POST', '/rest-apis', { body: '{"kind": ', contentType: 'application/json' });
    expect(badJson.status).toBe(400);

    const unknown = await call(emu, 'GET', '/apis');
    expect(unknown).toMatchObject({ status: 404, text: '404 page not found\n' });
    const wrongMethod = await call(emu, 'PATCH', '/rest-apis/x', { body: restApi('x') });
    expect(wrongMethod).toMatchObject({ status: 405, text: 'Method Not Allowed\n' });
    expect(wrongMethod.headers.get('allow')).toBe('GET, PUT, DELETE');
    const badQuery = await call(emu, 'GET', '/rest-apis?status=paused');
    expect(badQuery.status).toBe(400);

    expect(emu.violations().map((v) => `${v.method} ${v.path}`)).toEqual([
      'POST /api/management/v1/rest-apis',
      'POST /api/management/v1/rest-apis',
      'POST /api/management/v1/rest-apis',
      'GET /api/management/v1/apis',
      'PATCH /api/management/v1/rest-apis/x',
      'GET /api/management/v1/rest-apis',
    ]);
    expect(emu.violations()[1]!.problems[0]).toMatch(/^body: request body is not valid YAML/);
    expect(emu.violations()[2]!.problems).toEqual(['body: request body is not valid JSON']);
    expect(emu.state.list('RestApi')).toEqual([]);
  });
});

describe('authentication and roles', () => {
  it('answers 401 without credentials and with wrong ones, in the middleware shape', async () => {
    expect(await call(emu, 'GET', '/rest-apis', { auth: null })).toMatchObject({ status: 401, body: { code: 'skip_authz', message: 'no valid authentication credentials provided' } });
    for (const auth of [basic('admin', 'wrong'), basic('ghost', 'admin'), 'Bearer other-token', 'Basic !!!']) {
      expect(await call(emu, 'GET', '/rest-apis', { auth })).toMatchObject({ status: 401, body: { code: 'authentication_failed', message: 'authentication failed' } });
    }
    // an unknown route still needs credentials first
    expect((await call(emu, 'GET', '/nowhere', { auth: null })).status).toBe(401);
    expect(emu.violations()).toEqual([]);
  });

  it('accepts basic users (names case-insensitive) and bearer tokens', async () => {
    expect((await call(emu, 'GET', '/rest-apis', { auth: basic('ADMIN', 'admin') })).status).toBe(200);
    expect((await call(emu, 'POST', '/rest-apis', { auth: 'Bearer idp-token', body: restApi('by-token') })).status).toBe(201);
  });

  it('checks the roles of each route (x-basicauth-roles)', async () => {
    const dev = basic('dev', 'dev-pw');
    const shopper = basic('shopper', 'shopper-pw');
    expect((await call(emu, 'POST', '/rest-apis', { auth: dev, body: restApi('by-dev') })).status).toBe(201);
    expect(await call(emu, 'POST', '/rest-apis', { auth: shopper, body: restApi('by-shopper') })).toMatchObject({ status: 403, body: { code: 'forbidden', message: 'forbidden' } });
    expect((await call(emu, 'GET', '/secrets', { auth: dev })).status).toBe(403);
    expect((await call(emu, 'POST', '/rest-apis/by-dev/api-keys', { auth: shopper, body: { name: 'shopper-key' }, json: true })).status).toBe(201);
  });

  it('is open to everyone with auth disabled, or with neither users nor tokens', async () => {
    for (const options of [{ auth: false }, { users: [] }]) {
      const open = await startWso2GatewayController(options);
      try {
        expect((await call(open, 'POST', '/rest-apis', { auth: null, body: restApi('open') })).status).toBe(201);
        expect((await call(open, 'GET', '/secrets', { auth: basic('any', 'thing') })).status).toBe(200);
        expect(open.credentials.auth).toBe(options.auth !== false);
      } finally {
        await open.close();
      }
    }
  });
});

describe('faults, calls and state', () => {
  it('injects error answers and dropped connections, and records every call', async () => {
    emu.faults.inject({ method: 'POST', path: /\/rest-apis$/, status: 503, retryAfterSeconds: 2, times: 1 });
    const failed = await call(emu, 'POST', '/rest-apis', { body: restApi('later') });
    expect(failed).toMatchObject({ status: 503, body: { status: 'error', message: 'Service Unavailable' } });
    expect(failed.headers.get('retry-after')).toBe('2');
    expect((await call(emu, 'POST', '/rest-apis', { body: restApi('later') })).status).toBe(201);
    emu.faults.inject({ method: 'GET', dropConnection: true, times: 1 });
    await expect(call(emu, 'GET', '/rest-apis')).rejects.toThrow();
    expect(emu.calls.map((c) => `${c.method} ${c.status}`)).toEqual(['POST 503', 'POST 201', 'GET 0']);
  });

  it('lets tests read, change and remove what the gateway holds', async () => {
    await call(emu, 'POST', '/rest-apis', { body: restApi('drifting') });
    emu.state.patch('RestApi', 'drifting', { spec: { context: '/moved' } });
    expect((await call(emu, 'GET', '/rest-apis/drifting')).body.spec.context).toBe('/moved');
    expect(emu.state.get('RestApi', emu.state.get('RestApi', 'drifting')!.uuid)?.handle).toBe('drifting');
    expect(emu.state.remove('RestApi', 'drifting')).toBe(true);
    expect(emu.state.remove('RestApi', 'drifting')).toBe(false);
    expect((await call(emu, 'GET', '/rest-apis/drifting')).status).toBe(404);
    expect(() => emu.state.patch('RestApi', 'drifting', {})).toThrow(/not found/);
    // the built-in templates are there from the start and after a reset
    expect(emu.state.list('LlmProviderTemplate').map((t) => t.handle)).toContain('openai');
  });
});
