import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWso2GatewayController, type Wso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';
import { basic, call, example, fixture, TEST_CERTIFICATE } from './wso2-gateway-controller-helpers.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const KEYS = '/rest-apis/petstore-api-v1.0/api-keys';
const alice = basic('alice', 'alice-pw');
const bob = basic('bob', 'bob-pw');

let emu: Wso2GatewayController;
beforeAll(async () => {
  emu = await startWso2GatewayController({
    users: [
      { username: 'admin', password: 'admin' },
      { username: 'alice', password: 'alice-pw', roles: ['consumer'] },
      { username: 'bob', password: 'bob-pw', roles: ['consumer'] },
    ],
    apiKeysPerUserPerApi: 3,
  });
});
afterAll(() => emu.close());
beforeEach(async () => {
  emu.reset();
  expect((await call(emu, 'POST', '/rest-apis', { body: example('gateway-examples/petstore-api.yaml', 'petstore-api-v1.0') })).status).toBe(201);
});

/** The operator's JSON body for an ApiKey resource (test/e2e/fixtures/wso2-operator/gateway-examples/api-key.yaml). */
const apiKeyExample = () => {
  const { metadata, spec } = fixture('gateway-examples/api-key.yaml')[0]!;
  return { name: metadata.name, displayName: spec.displayName, expiresIn: spec.expiresIn };
};

describe('API keys', () => {
  it('generates a key, returns it once, and lists it masked', async () => {
    const created = await call(emu, 'POST', KEYS, { body: apiKeyExample(), json: true });
    expect(created.status).toBe(201);
    const key: string = created.body.apiKey.apiKey;
    expect(key).toMatch(/^apip_[0-9a-f]{64}$/);
    expect(created.body).toEqual({
      status: 'success',
      message: 'API key generated successfully',
      remainingApiKeyQuota: 2,
      apiKey: { name: 'petstore-key-acme', apiKey: key, apiId: 'petstore-api-v1.0', status: 'active', createdAt: expect.any(String), createdBy: 'admin', expiresAt: expect.any(String), source: 'local' },
    });
    const expiresIn = Date.parse(created.body.apiKey.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(29 * 86400_000);
    expect(expiresIn).toBeLessThanOrEqual(30 * 86400_000);
    expect(emu.state.list('ApiKey')).toEqual([expect.objectContaining({ name: 'petstore-key-acme', hash: sha256(key), parentKind: 'RestApi', parentHandle: 'petstore-api-v1.0' })]);
    expect(JSON.stringify(emu.state.list('ApiKey'))).not.toContain(key);

    const listed = await call(emu, 'GET', KEYS);
    expect(listed.body).toEqual({ status: 'success', totalCount: 1, apiKeys: [expect.objectContaining({ name: 'petstore-key-acme', apiKey: `***${key.slice(-5)}` })] });
    expect(listed.text).not.toContain(key);
    expect(emu.violations()).toEqual([]);
  });

  it('registers a supplied key (36 characters or more) without echoing it, and names a key when not told', async () => {
    const supplied = 'ext-key-0123456789-0123456789-0123456789';
    const r = await call(emu, 'POST', KEYS, { body: { apiKey: supplied, externalRefId: 'cloud-98765' }, json: true });
    expect(r.status).toBe(201);
    expect(r.body.message).toBe('API key registered successfully');
    expect(r.body.apiKey).not.toHaveProperty('apiKey');
    expect(r.body.apiKey.source).toBe('external');
    // `<handle>-key-<8 random characters>`, made URL-safe (the dot goes)
    expect(r.body.apiKey.name).toMatch(/^petstore-api-v10-key-[a-z0-9-]+$/);
    expect(emu.state.get('ApiKey', emu.state.list('ApiKey')[0]!.uuid)?.hash).toBe(sha256(supplied));
    expect((await call(emu, 'GET', KEYS)).body.apiKeys[0]).toMatchObject({ apiKey: '***56789', externalRefId: 'cloud-98765' });
    // a short key is outside the contract (minLength 36)
    expect((await call(emu, 'POST', KEYS, { body: { apiKey: 'too-short' }, json: true })).status).toBe(400);
    expect(emu.violations()).toHaveLength(1);
  });

  it('replaces a key POSTed again under its name, and refuses a value another key holds (409)', async () => {
    const first = 'first-key-value-0123456789-0123456789-01';
    await call(emu, 'POST', KEYS, { body: { name: 'shared', apiKey: first }, json: true });
    const again = await call(emu, 'POST', KEYS, { body: { name: 'shared', apiKey: 'second-key-value-0123456789-0123456789-0' }, json: true });
    expect(again.status).toBe(201);
    expect(emu.state.list('ApiKey')).toEqual([expect.objectContaining({ name: 'shared', hash: sha256('second-key-value-0123456789-0123456789-0') })]);
    const clash = await call(emu, 'POST', KEYS, { body: { name: 'other', apiKey: 'second-key-value-0123456789-0123456789-0' }, json: true });
    expect(clash).toMatchObject({ status: 409, body: { status: 'error', message: expect.stringContaining('API key value already exists') } });
  });

  it('updates external keys only, regenerates, and revokes', async () => {
    await call(emu, 'POST', KEYS, { body: { name: 'external', apiKey: 'external-value-0123456789-0123456789-0123' }, json: true });
    await call(emu, 'POST', KEYS, { body: { name: 'local' }, json: true });
    const rotated = 'rotated-value-0123456789-0123456789-01234';
    const updated = await call(emu, 'PUT', `${KEYS}/external`, { body: { apiKey: rotated }, json: true });
    expect(updated.body).toMatchObject({ status: 'success', message: 'API key updated successfully', apiKey: { name: 'external', apiKey: '***01234', source: 'external', expiresAt: null } });
    expect(emu.state.list('ApiKey').find((k) => k.name === 'external')?.hash).toBe(sha256(rotated));
    const local = await call(emu, 'PUT', `${KEYS}/local`, { body: { apiKey: rotated + 'x' }, json: true });
    expect(local).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^operation not allowed: updates are only allowed for externally generated API keys/) } });
    expect((await call(emu, 'PUT', `${KEYS}/missing`, { body: { apiKey: rotated + 'y' }, json: true })).status).toBe(404);
    expect(await call(emu, 'PUT', `${KEYS}/external`, { body: {}, json: true })).toMatchObject({ status: 400, body: { message: 'apiKey is required' } });

    const before = emu.state.list('ApiKey').find((k) => k.name === 'local')!;
    const regenerated = await call(emu, 'POST', `${KEYS}/local/regenerate`, { body: {}, json: true });
    expect(regenerated.status).toBe(200);
    expect(regenerated.body.apiKey.apiKey).toMatch(/^apip_/);
    expect(emu.state.list('ApiKey').find((k) => k.name === 'local')?.hash).toBe(sha256(regenerated.body.apiKey.apiKey));
    expect(sha256(regenerated.body.apiKey.apiKey)).not.toBe(before.hash);

    expect((await call(emu, 'DELETE', `${KEYS}/local`)).body).toEqual({ status: 'success', message: 'API key revoked successfully' });
    // revoking a key that does not exist succeeds: nothing is revealed
    expect((await call(emu, 'DELETE', `${KEYS}/local`)).status).toBe(200);
    await call(emu, 'DELETE', `${KEYS}/external`);
    // the gateway lists no keys as null
    expect((await call(emu, 'GET', KEYS)).body).toEqual({ status: 'success', apiKeys: null, totalCount: 0 });
    expect(emu.violations().map((v) => v.problems).flat()).toEqual([expect.stringContaining("required property 'apiKey'")]);
  });

  it('keeps keys per user: listings show the caller\'s own, only the creator regenerates, a limit per user', async () => {
    await call(emu, 'POST', KEYS, { auth: alice, body: { name: 'alice-key' }, json: true });
    await call(emu, 'POST', KEYS, { auth: bob, body: { name: 'bob-key' }, json: true });
    expect((await call(emu, 'GET', KEYS, { auth: alice })).body.apiKeys.map((k: any) => k.name)).toEqual(['alice-key']);
    expect((await call(emu, 'GET', KEYS)).body.totalCount).toBe(2);
    expect(await call(emu, 'POST', `${KEYS}/alice-key/regenerate`, { auth: bob, body: {}, json: true })).toMatchObject({ status: 500, body: { message: 'internal server error' } });
    expect((await call(emu, 'DELETE', `${KEYS}/alice-key`, { auth: bob })).status).toBe(500);
    expect((await call(emu, 'DELETE', `${KEYS}/alice-key`)).status).toBe(200); // an admin may
    for (const name of ['bob-2', 'bob-3']) expect((await call(emu, 'POST', KEYS, { auth: bob, body: { name }, json: true })).status).toBe(201);
    expect((await call(emu, 'POST', KEYS, { auth: bob, body: { name: 'bob-4' }, json: true })).status).toBe(500);
  });

  it('answers 404 under an unknown parent, and keys go with their API', async () => {
    expect(await call(emu, 'GET', '/rest-apis/nope/api-keys')).toMatchObject({ status: 404, body: { message: "configuration not found: API configuration handle 'nope' not found" } });
    await call(emu, 'POST', KEYS, { body: { name: 'doomed' }, json: true });
    await call(emu, 'DELETE', '/rest-apis/petstore-api-v1.0');
    expect(emu.state.list('ApiKey')).toEqual([]);
  });
});

describe('subscription plans and subscriptions', () => {
  const bronze = () => {
    const { spec } = fixture('gateway-examples/subscription-plan.yaml')[0]!;
    // the CRD's lower-case status and unit, as the management API spells them
    return { planName: spec.planName, status: 'ACTIVE', stopOnQuotaReach: spec.stopOnQuotaReach, throttleLimitCount: spec.throttleLimitCount, throttleLimitUnit: 'Min' };
  };

  it('creates, reads, updates and deletes plans with gateway-issued ids', async () => {
    const created = await call(emu, 'POST', '/subscription-plans', { body: bronze(), json: true });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      planName: 'Bronze',
      gatewayId: 'platform-gateway-id',
      stopOnQuotaReach: true,
      throttleLimitCount: 1000,
      throttleLimitUnit: 'Min',
      status: 'ACTIVE',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const id = created.body.id;
    expect(await call(emu, 'POST', '/subscription-plans', { body: bronze(), json: true })).toMatchObject({ status: 409, body: { message: 'Subscription plan already exists' } });
    expect((await call(emu, 'PUT', `/subscription-plans/${id}`, { body: { status: 'INACTIVE', billingPlan: 'FREE' }, json: true })).body).toMatchObject({ status: 'INACTIVE', billingPlan: 'FREE', planName: 'Bronze' });
    expect((await call(emu, 'GET', '/subscription-plans')).body).toEqual({ subscriptionPlans: [expect.objectContaining({ id, status: 'INACTIVE' })], count: 1 });
    expect((await call(emu, 'DELETE', `/subscription-plans/${id}`)).status).toBe(204);
    expect(await call(emu, 'GET', `/subscription-plans/${id}`)).toMatchObject({ status: 404, body: { message: 'Subscription plan not found' } });
    expect(emu.violations()).toEqual([]);
  });

  it('refuses throttle limits given alone and empty plan names', async () => {
    expect(await call(emu, 'POST', '/subscription-plans', { body: { planName: 'Gold', throttleLimitCount: 5 }, json: true })).toMatchObject({
      status: 400,
      body: { message: 'throttleLimitCount and throttleLimitUnit must be provided together' },
    });
    expect(await call(emu, 'POST', '/subscription-plans', { body: { planName: '  ' }, json: true })).toMatchObject({ status: 400, body: { message: 'planName is required' } });
  });

  it('subscribes to an API by handle or id, on an enabled plan, once per token', async () => {
    const plan = (await call(emu, 'POST', '/subscription-plans', { body: bronze(), json: true })).body;
    const { spec } = fixture('gateway-examples/subscription.yaml')[0]!;
    const token = fixture('gateway-examples/subscription.yaml')[1]!.stringData!.token as string;
    const body = { apiId: spec.apiId, subscriptionPlanId: plan.id, status: spec.status, subscriptionToken: token };
    const created = await call(emu, 'POST', '/subscriptions', { body, json: true });
    expect(created.status).toBe(201);
    const apiUuid = '019d953f-d386-7a64-4444-1869a28292e0'; // the API's artifact-id: subscriptions answer the gateway id
    expect(created.body).toMatchObject({ apiId: apiUuid, subscriptionPlanId: plan.id, status: 'ACTIVE', subscriptionToken: token, gatewayId: 'platform-gateway-id' });
    expect(emu.state.list('Subscription')[0]).toMatchObject({ tokenHash: sha256(token) });
    expect(JSON.stringify(emu.state.list('Subscription'))).not.toContain(token);

    const read = await call(emu, 'GET', `/subscriptions/${created.body.id}`);
    expect(read.body).not.toHaveProperty('subscriptionToken');
    expect(await call(emu, 'POST', '/subscriptions', { body: { ...body, apiId: apiUuid }, json: true })).toMatchObject({ status: 409, body: { message: 'Application already subscribed to this API' } });
    expect((await call(emu, 'GET', `/subscriptions?apiId=petstore-api-v1.0`)).body.count).toBe(1);
    expect((await call(emu, 'GET', `/subscriptions?status=REVOKED`)).body).toEqual({ subscriptions: [], count: 0 });
    expect((await call(emu, 'PUT', `/subscriptions/${created.body.id}`, { body: { status: 'REVOKED' }, json: true })).body.status).toBe('REVOKED');
    // a plan still used cannot be deleted (the database's foreign key)
    expect((await call(emu, 'DELETE', `/subscription-plans/${plan.id}`)).status).toBe(500);
    expect((await call(emu, 'DELETE', `/subscriptions/${created.body.id}`)).status).toBe(204);
    expect((await call(emu, 'DELETE', `/subscriptions/${created.body.id}`)).status).toBe(404);
    expect(emu.violations()).toEqual([]);
  });

  it('refuses unknown APIs, unknown or inactive plans, and plans the API does not offer', async () => {
    const token = 'tok-0123456789-0123456789-0123456789';
    expect(await call(emu, 'POST', '/subscriptions', { body: { apiId: 'nope', subscriptionToken: token }, json: true })).toMatchObject({ status: 404, body: { message: "RestAPI with identifier 'nope' not found" } });
    expect(await call(emu, 'POST', '/subscriptions', { body: { apiId: 'petstore-api-v1.0', subscriptionToken: token, subscriptionPlanId: 'x' }, json: true })).toMatchObject({
      status: 400,
      body: { message: 'Subscription plan not found or not enabled' },
    });
    const gold = (await call(emu, 'POST', '/subscription-plans', { body: { planName: 'Gold', status: 'INACTIVE' }, json: true })).body;
    expect((await call(emu, 'POST', '/subscriptions', { body: { apiId: 'petstore-api-v1.0', subscriptionToken: token, subscriptionPlanId: gold.id }, json: true })).body.message).toBe('Subscription plan is not active');
    const silver = (await call(emu, 'POST', '/subscription-plans', { body: { planName: 'Silver' }, json: true })).body;
    await call(emu, 'POST', '/rest-apis', { body: { ...example('gateway-examples/petstore-api.yaml', 'petstore-api-v1.0'), metadata: { name: 'offers-gold' }, spec: { ...example('gateway-examples/petstore-api.yaml', 'petstore-api-v1.0').spec, displayName: 'Offers Gold', subscriptionPlans: ['gold'] } } });
    expect((await call(emu, 'POST', '/subscriptions', { body: { apiId: 'offers-gold', subscriptionToken: token, subscriptionPlanId: silver.id }, json: true })).body.message).toBe('Subscription plan "Silver" is not enabled for this API');
  });
});

describe('certificates', () => {
  it('uploads a PEM bundle with a gateway-issued id, lists, reloads and deletes it', async () => {
    const created = await call(emu, 'POST', '/certificates', { body: { name: 'example-upstream-ca', certificate: TEST_CERTIFICATE }, json: true });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      name: 'example-upstream-ca',
      subject: 'CN=Example Upstream CA,O=apim-sync tests,C=US',
      issuer: 'CN=Example Upstream CA,O=apim-sync tests,C=US',
      notAfter: '2126-11-09 09:02:31',
      count: 1,
      message: 'Certificate uploaded and SDS updated successfully',
      status: 'success',
    });
    const listed = await call(emu, 'GET', '/certificates');
    expect(listed.body).toEqual({ certificates: [expect.objectContaining({ id: created.body.id, count: 1 })], totalCount: 1, totalBytes: Buffer.byteLength(TEST_CERTIFICATE), status: 'success' });
    expect((await call(emu, 'POST', '/certificates/reload')).body).toEqual({ status: 'success', message: 'Certificates reloaded and SDS updated successfully', totalBytes: Buffer.byteLength(TEST_CERTIFICATE) });
    expect((await call(emu, 'DELETE', `/certificates/${created.body.id}`)).body).toEqual({ status: 'success', message: 'Certificate deleted and SDS updated successfully', id: created.body.id });
    expect((await call(emu, 'DELETE', `/certificates/${created.body.id}`)).status).toBe(404);
    expect((await call(emu, 'GET', '/certificates')).body.certificates).toBeNull();
    expect(emu.violations()).toEqual([]);
  });

  it('refuses what is not a certificate, and a second certificate of the same name as the gateway does (500)', async () => {
    const placeholder = fixture('gateway-examples/certificate.yaml')[1]!.stringData!['ca.crt'] as string;
    expect(await call(emu, 'POST', '/certificates', { body: { name: 'placeholder', certificate: placeholder }, json: true })).toMatchObject({
      status: 400,
      body: { status: 'error', message: 'Invalid certificate: no valid certificates found in PEM data' },
    });
    const corrupt = TEST_CERTIFICATE.replace('MIIB4DCCAYeg', 'MIIB4DCCAAAA');
    expect((await call(emu, 'POST', '/certificates', { body: { name: 'corrupt', certificate: corrupt }, json: true })).body.message).toMatch(/^Invalid certificate: /);
    expect((await call(emu, 'POST', '/certificates', { body: { name: 'twice', certificate: TEST_CERTIFICATE + TEST_CERTIFICATE }, json: true })).body.count).toBe(2);
    expect(await call(emu, 'POST', '/certificates', { body: { name: 'twice', certificate: TEST_CERTIFICATE }, json: true })).toMatchObject({ status: 500, body: { message: 'Failed to save certificate' } });
    expect(emu.state.list('Certificate')).toHaveLength(1);
  });
});

describe('secrets', () => {
  const managed = () => {
    const [resource, k8sSecret] = fixture('gateway-examples/managed-secret.yaml');
    // the ManagedSecret's value.valueFrom resolved from its Secret, as a sync sends it
    return { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'Secret', metadata: { name: resource!.metadata.name }, spec: { ...resource!.spec, value: k8sSecret!.stringData!['api-key'] } };
  };

  it('stores a secret and returns its value only to GET by id', async () => {
    const created = await call(emu, 'POST', '/secrets', { body: managed() });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'Secret',
      metadata: { name: 'openai-api-key' },
      spec: { displayName: 'openai-api-key', description: 'API key used by upstream LLM providers' },
      status: { id: 'openai-api-key', createdAt: expect.any(String), updatedAt: expect.any(String) },
    });
    const listed = await call(emu, 'GET', '/secrets');
    expect(listed.body).toEqual({ status: 'success', count: 1, secrets: [expect.objectContaining({ spec: { displayName: 'openai-api-key' } })] });
    expect(listed.text).not.toContain('sk-replace-me');
    expect((await call(emu, 'GET', '/secrets/openai-api-key')).body.spec.value).toBe('sk-replace-me-with-real-value');
    const rotated = await call(emu, 'PUT', '/secrets/openai-api-key', { body: { ...managed(), spec: { ...managed().spec, value: 'sk-rotated' } } });
    expect(rotated.body.spec).not.toHaveProperty('value');
    expect(emu.state.get('Secret', 'openai-api-key')?.value).toBe('sk-rotated');
    const deleted = await call(emu, 'DELETE', '/secrets/openai-api-key');
    expect(deleted).toMatchObject({ status: 200, text: '' });
    expect(await call(emu, 'GET', '/secrets/openai-api-key')).toMatchObject({ status: 404, body: { message: 'configuration not found: id=openai-api-key' } });
    expect(emu.violations()).toEqual([]);
  });

  it('refuses a second secret of the same id, a rename, and a bad display name naming the field', async () => {
    await call(emu, 'POST', '/secrets', { body: managed() });
    expect(await call(emu, 'POST', '/secrets', { body: managed() })).toMatchObject({ status: 409, body: { message: "storage failed: configuration already exists: secret with id 'openai-api-key' already exists" } });
    expect((await call(emu, 'PUT', '/secrets/other-name', { body: managed() })).body.message).toMatch(/renaming secrets is not supported/);
    const bad = await call(emu, 'POST', '/secrets', { body: { ...managed(), metadata: { name: 'bad' }, spec: { displayName: 'bad/name', value: 'v' } } });
    expect(bad).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^configuration validation failed with 1 error\(s\): 1\. spec\.displayName: /) } });
  });
});
