/**
 * The 3scale emulator holds requests to the methods and media types the published specs declare: no PUT for a
 * PATCH operation (nor the reverse), no JSON where the operation takes a form, no body where it takes none. Each
 * refusal is a 400 and a recorded violation, and changes nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PortaClient } from '../../emulators/threescale/client.ts';
import { startThreescaleEmulator, type ThreescaleEmulator } from '../../emulators/threescale/index.ts';

let emu: ThreescaleEmulator;
let api: PortaClient;

beforeAll(async () => {
  emu = await startThreescaleEmulator({ tenants: [{ name: 'acme', adminToken: 'acme-token' }] });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  api = new PortaClient(emu.adminUrl('acme'), 'acme-token');
});

const JSON_TYPE = 'application/json';
const chain = [{ name: 'apicast', version: 'builtin', configuration: {}, enabled: true }];
const schema = { name: 'p', version: '1', summary: 's', $schema: 'http://json-schema.org/draft-07/schema#', configuration: { type: 'object' } };

async function product(): Promise<number> {
  return (await api.form('POST', '/admin/api/services.json', { name: 'P' })).body.service.id;
}

/** The one violation recorded since `from`, as one line. */
function onlyViolation(from: number): string {
  const recorded = emu.violations.slice(from);
  expect(recorded).toHaveLength(1);
  return recorded[0]!.problems.join('; ');
}

describe('methods as the spec lists them', () => {
  it('refuses PUT on the proxy, whose spec lists only GET and PATCH', async () => {
    const id = await product();
    const before = emu.state.proxy('acme', id);
    const r = await api.form('PUT', `/admin/api/services/${id}/proxy.json`, { endpoint: 'https://api.acme.com' });
    expect(r.status).toBe(400);
    expect(onlyViolation(0)).toBe('route: method PUT is not allowed on this path (allowed: GET, PATCH)');
    expect(emu.state.proxy('acme', id)).toEqual(before);
    expect((await api.form('PATCH', `/admin/api/services/${id}/proxy.json`, { endpoint: 'https://api.acme.com' })).status).toBe(200);
    expect(emu.violations).toHaveLength(1);
  });

  it("refuses PUT on a product's mapping rule (PATCH) and PATCH on a backend's (PUT)", async () => {
    const id = await product();
    const hits = (await api.get(`/admin/api/services/${id}/metrics.json`)).body.metrics[0].metric;
    const rules = `/admin/api/services/${id}/proxy/mapping_rules`;
    const rule = (await api.form('POST', `${rules}.json`, { http_method: 'GET', pattern: '/a', metric_id: hits.id, delta: 1 })).body.mapping_rule;
    expect((await api.form('PUT', `${rules}/${rule.id}.json`, { delta: 2 })).status).toBe(400);
    expect(onlyViolation(0)).toMatch(/^route: method PUT is not allowed on this path \(allowed: .*PATCH/);

    const backend = (await api.form('POST', '/admin/api/backend_apis.json', { name: 'B', private_endpoint: 'https://b.example.com' })).body.backend_api;
    const bhits = (await api.get(`/admin/api/backend_apis/${backend.id}/metrics.json`)).body.metrics[0].metric;
    const brules = `/admin/api/backend_apis/${backend.id}/mapping_rules`;
    const brule = (await api.form('POST', `${brules}.json`, { http_method: 'GET', pattern: '/b', metric_id: bhits.id, delta: 1 })).body.mapping_rule;
    expect((await api.form('PATCH', `${brules}/${brule.id}.json`, { delta: 2 })).status).toBe(400);
    expect(onlyViolation(1)).toMatch(/^route: method PATCH is not allowed on this path \(allowed: .*PUT/);
    expect((await api.form('PUT', `${brules}/${brule.id}.json`, { delta: 2 })).body.mapping_rule.delta).toBe(2);
    expect(emu.violations).toHaveLength(2);
  });
});

describe('media types as the spec declares them', () => {
  it('refuses a JSON policy chain, takes it as a JSON text form field', async () => {
    const id = await product();
    const before = emu.state.policies('acme', id);
    const r = await api.raw('PUT', `/admin/api/services/${id}/proxy/policies.json`, JSON.stringify({ policies_config: chain }), JSON_TYPE);
    expect(r.status).toBe(400);
    expect(onlyViolation(0)).toBe("body: unsupported content type 'application/json' (accepted: application/x-www-form-urlencoded)");
    expect(emu.state.policies('acme', id)).toEqual(before);
    expect((await api.form('PUT', `/admin/api/services/${id}/proxy/policies.json`, { policies_config: JSON.stringify(chain) })).status).toBe(200);
    expect(emu.violations).toHaveLength(1);
  });

  it('refuses JSON OIDC flows, takes them as flat form fields', async () => {
    const id = await product();
    const path = `/admin/api/services/${id}/proxy/oidc_configuration.json`;
    const r = await api.raw('PATCH', path, JSON.stringify({ oidc_configuration: { standard_flow_enabled: true } }), JSON_TYPE);
    expect(r.status).toBe(400);
    expect(onlyViolation(0)).toContain("unsupported content type 'application/json'");
    expect((await api.form('PATCH', path, { standard_flow_enabled: true })).body.oidc_configuration.standard_flow_enabled).toBe(true);
    expect(emu.violations).toHaveLength(1);
  });

  it('refuses a JSON registry policy, takes its schema as a JSON text form field', async () => {
    const r = await api.raw('POST', '/admin/api/registry/policies.json', JSON.stringify({ name: 'p', version: '1', schema }), JSON_TYPE);
    expect(r.status).toBe(400);
    expect(onlyViolation(0)).toContain("unsupported content type 'application/json'");
    expect((await api.get('/admin/api/registry/policies.json')).body.policies).toEqual([]);
    const created = await api.form('POST', '/admin/api/registry/policies.json', { name: 'p', version: '1', schema: JSON.stringify(schema) });
    expect(created.body.policy.schema).toEqual(schema);
    expect(emu.violations).toHaveLength(1);
  });

  it('refuses JSON ActiveDocs, account and user writes: the spec declares forms there too', async () => {
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {} });
    expect((await api.raw('POST', '/admin/api/active_docs.json', JSON.stringify({ name: 'D', body }), JSON_TYPE)).status).toBe(400);
    const account = (await api.form('POST', '/admin/api/signup.json', { org_name: 'Dev', username: 'dev', email: 'dev@example.com', password: 'pw' })).body.account;
    expect((await api.raw('PUT', `/admin/api/accounts/${account.id}.json`, JSON.stringify({ org_name: 'Other' }), JSON_TYPE)).status).toBe(400);
    expect((await api.raw('POST', `/admin/api/accounts/${account.id}/users.json`, JSON.stringify({ username: 'u', email: 'u@example.com', password: 'pw' }), JSON_TYPE)).status).toBe(400);
    expect(emu.violations).toHaveLength(3);
    expect((await api.get(`/admin/api/accounts/${account.id}.json`)).body.account.org_name).toBe('Dev');
  });

  it('refuses a body without a Content-Type, and a body where the operation takes none', async () => {
    expect((await api.raw('POST', '/admin/api/services.json', 'name=P', undefined)).status).toBe(400);
    expect(onlyViolation(0)).toBe('header /content-type: a request with a body needs a Content-Type');
    expect((await api.get('/admin/api/services.json')).body.services).toEqual([]);

    const account = (await api.form('POST', '/admin/api/signup.json', { org_name: 'Dev', username: 'dev', email: 'dev@example.com', password: 'pw' })).body.account;
    const user = (await api.get(`/admin/api/accounts/${account.id}/users.json`)).body.users[0].user;
    // the spec's user suspend takes its parameters in the query string alone
    expect((await api.form('PUT', `/admin/api/accounts/${account.id}/users/${user.id}/suspend.json`, { note: 'x' })).status).toBe(400);
    expect(onlyViolation(1)).toBe('body: this operation does not accept a request body');
    expect((await api.form('PUT', `/admin/api/accounts/${account.id}/users/${user.id}/suspend.json`)).body.user.state).toBe('suspended');
    expect(emu.violations).toHaveLength(2);
  });
});
