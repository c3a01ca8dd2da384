import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PortaClient } from '../../emulators/threescale/client.ts';
import { startThreescaleEmulator, type ThreescaleEmulator } from '../../emulators/threescale/index.ts';

let emu: ThreescaleEmulator;
let api: PortaClient;

beforeAll(async () => {
  emu = await startThreescaleEmulator({ tenants: [{ name: 'acme', adminToken: 'acme-token' }, { name: 'other', adminToken: 'other-token' }] });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  api = new PortaClient(emu.adminUrl('acme'), 'acme-token');
});

async function product(systemName = 'p1') {
  const r = await api.form('POST', '/admin/api/services.json', { name: `Product ${systemName}`, system_name: systemName, 'annotations[managed_by]': 'operator' });
  expect(r.status).toBe(201);
  return r.body.service as { id: number; system_name: string };
}

async function backend(systemName = 'b1', endpoint = 'https://api.example.com') {
  const r = await api.form('POST', '/admin/api/backend_apis.json', { name: `Backend ${systemName}`, system_name: systemName, private_endpoint: endpoint });
  expect(r.status).toBe(201);
  return r.body.backend_api as { id: number; system_name: string; private_endpoint: string };
}

const hitsOf = async (path: string) => {
  const r = await api.get(`${path}/metrics.json`);
  return r.body.metrics.map((m: { metric: { id: number; system_name: string } }) => m.metric).find((m: { system_name: string }) => m.system_name.startsWith('hits'));
};

describe('authentication', () => {
  it('accepts the token as Basic password, as Basic user and as access_token; refuses others with 403', async () => {
    expect((await api.get('/admin/api/services.json')).status).toBe(200);
    const asUser = await fetch(`${emu.adminUrl('acme')}/admin/api/services.json`, { headers: { authorization: 'Basic ' + Buffer.from('acme-token:').toString('base64') } });
    expect(asUser.status).toBe(200);
    expect((await fetch(`${emu.adminUrl('acme')}/admin/api/services.json?access_token=acme-token`)).status).toBe(200);
    const bad = await new PortaClient(emu.adminUrl('acme'), 'nope').get('/admin/api/services.json');
    expect(bad).toMatchObject({ status: 403, body: { error: 'Access denied' } });
    expect((await fetch(`${emu.adminUrl('acme')}/admin/api/services.json`)).status).toBe(403);
  });

  it('keeps tenants apart: a token is only valid on its own admin portal', async () => {
    expect((await new PortaClient(emu.adminUrl('other'), 'acme-token').get('/admin/api/services.json')).status).toBe(403);
    expect(emu.calls.at(-1)).toMatchObject({ tenant: 'other', status: 403 });
  });

  it('checks scope and permission', async () => {
    emu.state.addAccessToken('acme', 'ro', ['account_management'], 'ro');
    const ro = new PortaClient(emu.adminUrl('acme'), 'ro');
    expect((await ro.get('/admin/api/services.json')).status).toBe(200);
    const write = await ro.form('POST', '/admin/api/services.json', { name: 'x' });
    expect(write).toMatchObject({ status: 403, body: { error: 'Your access token does not have the correct permissions' } });
    expect((await ro.get('/admin/api/registry/policies.json')).status).toBe(403);
  });
});

describe('products and backends', () => {
  it('creates a product with hits, proxy and the apicast policy; system_name is unique per tenant (422)', async () => {
    const p = await product();
    expect(p.system_name).toBe('p1');
    expect(await hitsOf(`/admin/api/services/${p.id}`)).toMatchObject({ system_name: 'hits' });
    expect((await api.get(`/admin/api/services/${p.id}/proxy/policies.json`)).body).toEqual({
      policies_config: [{ name: 'apicast', version: 'builtin', configuration: {}, enabled: true }],
    });
    const dup = await api.form('POST', '/admin/api/services.json', { name: 'again', system_name: 'p1' });
    expect(dup).toMatchObject({ status: 422, body: { errors: { system_name: ['has already been taken'] } } });
    // another tenant may reuse it
    const other = new PortaClient(emu.adminUrl('other'), 'other-token');
    expect((await other.form('POST', '/admin/api/services.json', { name: 'P', system_name: 'p1' })).status).toBe(201);
    expect(emu.state.productBySystemName('acme', 'p1')).toMatchObject({ annotations: { managed_by: 'operator' } });
  });

  it("validates annotations as porta's Annotation model: managed_by only, at most 255 characters, blank removes", async () => {
    const p = await product();
    const bad = await api.form('POST', '/admin/api/backend_apis.json', { name: 'B', private_endpoint: 'https://b.example.com', 'annotations[owner]': 'me' });
    expect(bad).toMatchObject({ status: 422, body: { errors: { 'annotations.name': ['is not included in the list'] } } });
    const long = await api.form('PUT', `/admin/api/services/${p.id}.json`, { 'annotations[managed_by]': 'x'.repeat(256) });
    expect(long).toMatchObject({ status: 422, body: { errors: { 'annotations.value': ['is too long (maximum is 255 characters)'] } } });
    const renamed = await api.form('PUT', `/admin/api/services/${p.id}.json`, { 'annotations[managed_by]': 'apim-sync' });
    expect(renamed.body.service.annotations).toEqual({ managed_by: 'apim-sync' });
    const cleared = await api.form('PUT', `/admin/api/services/${p.id}.json`, { 'annotations[managed_by]': '' });
    expect(cleared.body.service.annotations).toBeUndefined();
  });

  it('validates required fields and enums with field errors', async () => {
    expect(await api.form('POST', '/admin/api/services.json', { name: ' ' })).toMatchObject({ status: 422, body: { errors: { name: ["can't be blank"] } } });
    const p = await product();
    const r = await api.form('PUT', `/admin/api/services/${p.id}.json`, { deployment_option: 'nowhere' });
    expect(r).toMatchObject({ status: 422, body: { errors: { deployment_option: ['is not included in the list'] } } });
    const ok = await api.form('PUT', `/admin/api/services/${p.id}.json`, { name: 'Renamed', deployment_option: 'self_managed', backend_version: 'oidc' });
    expect(ok.body.service).toMatchObject({ name: 'Renamed', deployment_option: 'self_managed', backend_version: 'oidc', system_name: 'p1' });
  });

  it('answers 404 {"status":"Not found"} for unknown ids, and deletes', async () => {
    expect(await api.get('/admin/api/services/999.json')).toMatchObject({ status: 404, body: { status: 'Not found' } });
    const p = await product();
    expect((await api.delete(`/admin/api/services/${p.id}.json`)).status).toBe(200);
    expect((await api.get(`/admin/api/services/${p.id}.json`)).status).toBe(404);
  });

  it('stores backends with the default port, unique system names, and refuses to delete a used backend', async () => {
    const b = await backend();
    expect(b.private_endpoint).toBe('https://api.example.com:443');
    expect(await hitsOf(`/admin/api/backend_apis/${b.id}`)).toMatchObject({ system_name: `hits.${b.id}` });
    expect((await api.form('POST', '/admin/api/backend_apis.json', { name: 'x', system_name: 'b1', private_endpoint: 'http://a' })).status).toBe(422);
    expect(await api.form('POST', '/admin/api/backend_apis.json', { name: 'x', private_endpoint: 'ftp://a' })).toMatchObject({
      status: 422,
      body: { errors: { private_endpoint: [expect.any(String)] } },
    });
    const p = await product();
    expect((await api.form('POST', `/admin/api/services/${p.id}/backend_usages.json`, { backend_api_id: b.id, path: '/v1' })).status).toBe(201);
    expect((await api.delete(`/admin/api/backend_apis/${b.id}.json`)).status).toBe(422);
  });

  it('paginates with page/per_page (max 500) and metadata only when there is more than a page', async () => {
    for (let i = 0; i < 5; i++) await backend(`b${i}`);
    const all = await api.get('/admin/api/backend_apis.json', { per_page: 500 });
    expect(all.body.backend_apis).toHaveLength(5);
    expect(all.body.metadata).toBeUndefined();
    const page2 = await api.get('/admin/api/backend_apis.json', { page: 2, per_page: 2 });
    expect(page2.body.backend_apis.map((b: { backend_api: { system_name: string } }) => b.backend_api.system_name)).toEqual(['b2', 'b3']);
    expect(page2.body.metadata).toEqual({ per_page: 2, total_entries: 5, total_pages: 3, current_page: 2 });
    expect((await api.get('/admin/api/backend_apis.json', { per_page: 5000 })).body.backend_apis).toHaveLength(5);
  });
});

describe('metrics, methods, mapping rules, backend usages', () => {
  it('creates methods under hits and lists them with the metrics; backend names get the .id suffix', async () => {
    const p = await product();
    const hits = await hitsOf(`/admin/api/services/${p.id}`);
    const m = await api.form('POST', `/admin/api/services/${p.id}/metrics/${hits.id}/methods.json`, { friendly_name: 'Get pets', system_name: 'get_pets' });
    expect(m.status).toBe(201);
    expect(m.body.method).toMatchObject({ system_name: 'get_pets', parent_id: hits.id });
    const metric = await api.form('POST', `/admin/api/services/${p.id}/metrics.json`, { friendly_name: 'Bytes', system_name: 'bytes', unit: 'byte' });
    expect(metric.status).toBe(201);
    const list = (await api.get(`/admin/api/services/${p.id}/metrics.json`)).body.metrics.map((x: { metric: { system_name: string } }) => x.metric.system_name);
    expect(list).toEqual(['hits', 'get_pets', 'bytes']);
    expect((await api.form('POST', `/admin/api/services/${p.id}/metrics.json`, { friendly_name: 'B2', system_name: 'bytes', unit: 'b' })).body).toEqual({
      errors: { system_name: ['has already been taken'] },
    });
    expect((await api.form('POST', `/admin/api/services/${p.id}/metrics.json`, { friendly_name: 'x', unit: '' })).status).toBe(422);
    const b = await backend();
    const bhits = await hitsOf(`/admin/api/backend_apis/${b.id}`);
    const bm = await api.form('POST', `/admin/api/backend_apis/${b.id}/metrics/${bhits.id}/methods.json`, { friendly_name: 'List', system_name: 'list' });
    expect(bm.body.method.system_name).toBe(`list.${b.id}`);
    const upd = await api.form('PUT', `/admin/api/services/${p.id}/metrics/${hits.id}/methods/${m.body.method.id}.json`, { friendly_name: 'Get all pets' });
    expect(upd.body.method.friendly_name).toBe('Get all pets');
    expect((await api.delete(`/admin/api/services/${p.id}/metrics/${hits.id}/methods/${m.body.method.id}.json`)).status).toBe(200);
  });

  it('keeps mapping rule positions 1..n (insert shifts the others) and validates them', async () => {
    const p = await product();
    const hits = await hitsOf(`/admin/api/services/${p.id}`);
    const rules = `/admin/api/services/${p.id}/proxy/mapping_rules`;
    const add = (pattern: string, position?: number) =>
      api.form('POST', `${rules}.json`, { http_method: 'GET', pattern, metric_id: hits.id, delta: 1, position, last: false });
    expect((await add('/a')).status).toBe(201);
    expect((await add('/b')).status).toBe(201);
    const c = await add('/c', 1);
    const order = async () => (await api.get(`${rules}.json`)).body.mapping_rules.map((r: { mapping_rule: { pattern: string; position: number } }) => `${r.mapping_rule.position}${r.mapping_rule.pattern}`);
    expect(await order()).toEqual(['1/c', '2/a', '3/b']);
    // the spec documents PATCH for a product's rules (PUT for a backend's)
    const moved = await api.form('PATCH', `${rules}/${c.body.mapping_rule.id}.json`, { position: 3, delta: 2 });
    expect(moved.body.mapping_rule).toMatchObject({ delta: 2, position: 3 });
    expect(await order()).toEqual(['1/a', '2/b', '3/c']);
    const bad = await api.form('POST', `${rules}.json`, { http_method: 'FETCH', pattern: 'x', metric_id: 999, delta: 0 });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['delta', 'http_method', 'metric_id', 'pattern']);
    expect(emu.violations).toEqual([]);
  });

  it('manages backend usages: bare array list, unique backend and path per product', async () => {
    const p = await product();
    const b = await backend();
    const usages = `/admin/api/services/${p.id}/backend_usages`;
    const u = await api.form('POST', `${usages}.json`, { backend_api_id: b.id, path: '/v1' });
    expect(u.body.backend_usage).toMatchObject({ path: '/v1', service_id: p.id, backend_id: b.id });
    expect((await api.form('POST', `${usages}.json`, { backend_api_id: b.id, path: '/v2' })).body).toEqual({ errors: { backend_api_id: ['has already been taken'] } });
    const list = await api.get(`${usages}.json`);
    expect(list.body).toEqual([{ backend_usage: expect.objectContaining({ id: u.body.backend_usage.id }) }]);
    expect((await api.form('PUT', `${usages}/${u.body.backend_usage.id}.json`, { path: '/v2' })).body.backend_usage.path).toBe('/v2');
    expect((await api.delete(`${usages}/${u.body.backend_usage.id}.json`)).status).toBe(200);
    expect((await api.get(`${usages}.json`)).body).toEqual([]);
    expect(emu.violations).toEqual([]);
  });
});

describe('application plans, limits, pricing rules', () => {
  it('creates plans unique per product, publishes, and keeps limits and pricing rules', async () => {
    const p = await product();
    const hits = await hitsOf(`/admin/api/services/${p.id}`);
    const plans = `/admin/api/services/${p.id}/application_plans`;
    const plan = await api.form('POST', `${plans}.json`, { name: 'basic', system_name: 'basic' });
    expect(plan.body.application_plan).toMatchObject({ system_name: 'basic', state: 'hidden' });
    expect((await api.form('POST', `${plans}.json`, { name: 'basic', system_name: 'basic' })).status).toBe(422);
    const id = plan.body.application_plan.id;
    const upd = await api.form('PUT', `${plans}/${id}.json`, { state_event: 'publish', cost_per_month: '10.50', setup_fee: 1, trial_period_days: 7, approval_required: true });
    expect(upd.body.application_plan).toMatchObject({ state: 'published', cost_per_month: 10.5, setup_fee: 1, trial_period_days: 7, approval_required: true });

    const limits = `/admin/api/application_plans/${id}/metrics/${hits.id}/limits`;
    const limit = await api.form('POST', `${limits}.json`, { period: 'minute', value: 10 });
    expect(limit.status).toBe(201);
    expect((await api.form('POST', `${limits}.json`, { period: 'minute', value: 20 })).body).toEqual({ errors: { period: ['has already been taken'] } });
    expect((await api.get(`/admin/api/application_plans/${id}/limits.json`)).body.limits).toEqual([{ limit: expect.objectContaining({ period: 'minute', value: 10, metric_id: hits.id }) }]);
    expect((await api.delete(`${limits}/${limit.body.limit.id}.json`)).status).toBe(200);

    const rules = `/admin/api/application_plans/${id}/metrics/${hits.id}/pricing_rules`;
    expect((await api.form('POST', `${rules}.json`, { min: 1, max: 100, cost_per_unit: '0.10' })).status).toBe(201);
    expect((await api.form('POST', `${rules}.json`, { min: 50, max: 200, cost_per_unit: '0.05' })).status).toBe(422);
    expect((await api.form('POST', `${rules}.json`, { min: 300, max: 200, cost_per_unit: '0.05' })).body.errors.max).toBeDefined();
    expect((await api.get(`/admin/api/application_plans/${id}/pricing_rules.json`)).body.pricing_rules).toHaveLength(1);
    expect((await api.delete(`${plans}/${id}.json`)).status).toBe(200);
    expect(emu.state.list('acme', 'limits')).toEqual([]);
    expect(emu.violations).toEqual([]);
  });

  it('accepts limits on the metrics of a backend the product uses, not of others', async () => {
    const p = await product();
    const b = await backend();
    const bhits = await hitsOf(`/admin/api/backend_apis/${b.id}`);
    const plan = (await api.form('POST', `/admin/api/services/${p.id}/application_plans.json`, { name: 'gold' })).body.application_plan;
    const path = `/admin/api/application_plans/${plan.id}/metrics/${bhits.id}/limits.json`;
    expect((await api.form('POST', path, { period: 'day', value: 5 })).status).toBe(404);
    await api.form('POST', `/admin/api/services/${p.id}/backend_usages.json`, { backend_api_id: b.id, path: '/' });
    expect((await api.form('POST', path, { period: 'day', value: 5 })).status).toBe(201);
  });
});

describe('proxy, policies, deploy and promote', () => {
  it('updates the proxy with PATCH, OIDC flows as flat form fields, the chain as JSON text; normalises endpoints', async () => {
    const p = await product();
    const r = await api.form('PATCH', `/admin/api/services/${p.id}/proxy.json`, { endpoint: 'https://api.acme.com', credentials_location: 'headers', error_status_no_match: 418 });
    expect(r.body.proxy).toMatchObject({ endpoint: 'https://api.acme.com:443', credentials_location: 'headers', error_status_no_match: 418 });
    expect((await api.form('PATCH', `/admin/api/services/${p.id}/proxy.json`, { credentials_location: 'cookie' })).status).toBe(422);
    const oidc = await api.form('PATCH', `/admin/api/services/${p.id}/proxy/oidc_configuration.json`, { standard_flow_enabled: false, service_accounts_enabled: true });
    expect(oidc.body.oidc_configuration).toMatchObject({ standard_flow_enabled: false, service_accounts_enabled: true });
    const chain = [{ name: 'cors', version: 'builtin', configuration: { allow_origin: '*' }, enabled: true }, { name: 'apicast', version: 'builtin', configuration: {}, enabled: true }];
    expect((await api.form('PUT', `/admin/api/services/${p.id}/proxy/policies.json`, { policies_config: JSON.stringify(chain) })).body).toEqual({ policies_config: chain });
    expect(emu.state.policies('acme', p.id)).toEqual(chain);
    expect((await api.form('PUT', `/admin/api/services/${p.id}/proxy/policies.json`, { policies_config: JSON.stringify([{ configuration: {} }]) })).status).toBe(422);
    expect(emu.violations).toEqual([]);
  });

  it('deploys to staging only on change and promotes to production with increasing versions', async () => {
    const p = await product();
    const cfg = `/admin/api/services/${p.id}/proxy/configs`;
    expect(await api.get(`${cfg}/sandbox/latest.json`)).toMatchObject({ status: 404, body: { status: 'Not found' } });
    expect((await api.form('POST', `/admin/api/services/${p.id}/proxy/deploy.json`)).status).toBe(201);
    expect((await api.get(`${cfg}/sandbox/latest.json`)).body.proxy_config).toMatchObject({ version: 1, environment: 'sandbox' });
    await api.form('POST', `/admin/api/services/${p.id}/proxy/deploy.json`);
    expect((await api.get(`${cfg}/sandbox/latest.json`)).body.proxy_config.version).toBe(1);
    await api.form('PATCH', `/admin/api/services/${p.id}/proxy.json`, { endpoint: 'https://v2.acme.com' });
    await api.form('POST', `/admin/api/services/${p.id}/proxy/deploy.json`);
    const staging = (await api.get(`${cfg}/sandbox/latest.json`)).body.proxy_config;
    expect(staging.version).toBe(2);
    expect(staging.content.proxy.endpoint).toBe('https://v2.acme.com:443');
    expect((await api.get(`${cfg}/production/latest.json`)).status).toBe(404);
    const promoted = await api.form('POST', `${cfg}/sandbox/2/promote.json`, { to: 'production' });
    expect(promoted.status).toBe(201);
    expect(promoted.body.proxy_config).toMatchObject({ environment: 'production', version: 1 });
    expect((await api.form('POST', `${cfg}/sandbox/2/promote.json`, { to: 'production' })).status).toBe(422);
    expect((await api.get(`${cfg}/sandbox.json`)).body.proxy_configs).toHaveLength(2);
    expect(emu.state.proxyConfigs('acme', p.id, 'production')).toHaveLength(1);
    expect(emu.violations).toEqual([]);
  });

  it('refuses to delete a method used by the latest production configuration', async () => {
    const p = await product();
    const hits = await hitsOf(`/admin/api/services/${p.id}`);
    const m = (await api.form('POST', `/admin/api/services/${p.id}/metrics/${hits.id}/methods.json`, { friendly_name: 'M', system_name: 'm' })).body.method;
    await api.form('POST', `/admin/api/services/${p.id}/proxy/mapping_rules.json`, { http_method: 'GET', pattern: '/m', metric_id: m.id, delta: 1 });
    await api.form('POST', `/admin/api/services/${p.id}/proxy/deploy.json`);
    await api.form('POST', `/admin/api/services/${p.id}/proxy/configs/sandbox/1/promote.json`, { to: 'production' });
    const del = await api.delete(`/admin/api/services/${p.id}/metrics/${hits.id}/methods/${m.id}.json`);
    expect(del).toMatchObject({ status: 422, body: { errors: { base: ['Method is used by the latest gateway configuration and cannot be deleted'] } } });
  });
});

describe('contract and faults', () => {
  it('records an off-contract call as a violation and answers 400', async () => {
    const p = await product();
    const r = await api.form('POST', `/admin/api/services/${p.id}/proxy/configs/sandbox/1/promote.json`, { to: 'staging' });
    expect(r.status).toBe(400);
    expect(emu.violations).toEqual([{ method: 'POST', path: `/admin/api/services/${p.id}/proxy/configs/sandbox/1/promote.json`, problems: [expect.stringContaining('/to')] }]);
    expect((await api.get('/admin/api/unknown.json')).status).toBe(400);
    expect(emu.violations).toHaveLength(2);
  });

  it('injects status faults with Retry-After, dropped connections, and counts times', async () => {
    emu.faults.inject({ method: 'GET', path: /services\.json$/, status: 503, retryAfterSeconds: 3, times: 1 });
    const r = await api.get('/admin/api/services.json');
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('3');
    expect((await api.get('/admin/api/services.json')).status).toBe(200);
    emu.faults.inject({ path: /backend_apis/, dropConnection: true, times: 1 });
    await expect(api.get('/admin/api/backend_apis.json')).rejects.toThrow();
    expect(emu.calls.at(-1)).toMatchObject({ status: 0, tenant: 'acme' });
    emu.faults.inject({ status: 422, body: { errors: { name: ['custom'] } } });
    expect((await api.get('/admin/api/backend_apis.json')).body).toEqual({ errors: { name: ['custom'] } });
    emu.faults.clear();
    expect((await api.get('/admin/api/backend_apis.json')).status).toBe(200);
  });
});
