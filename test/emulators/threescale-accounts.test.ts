import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PortaClient } from '../../emulators/threescale/client.ts';
import { startThreescaleEmulator, type ThreescaleEmulator } from '../../emulators/threescale/index.ts';

let emu: ThreescaleEmulator;
let api: PortaClient;
let master: PortaClient;

beforeAll(async () => {
  emu = await startThreescaleEmulator({ masterToken: 'm-token', tenants: [{ name: 'acme', adminToken: 'acme-token' }] });
});
afterAll(() => emu.close());
beforeEach(() => {
  emu.reset();
  api = new PortaClient(emu.adminUrl('acme'), 'acme-token');
  master = new PortaClient(emu.url, 'm-token');
});

const signup = (username = 'dev', extra: Record<string, string> = {}) =>
  api.form('POST', '/admin/api/signup.json', { org_name: 'Dev Corp', username, email: `${username}@example.com`, password: 'pw', 'annotations[managed_by]': 'operator', ...extra });

async function productWithPlan(backendVersion: '1' | '2') {
  const service = (await api.form('POST', '/admin/api/services.json', { name: `P${backendVersion}`, backend_version: backendVersion })).body.service;
  const plan = (await api.form('POST', `/admin/api/services/${service.id}/application_plans.json`, { name: 'basic' })).body.application_plan;
  return { service, plan };
}

describe('developer accounts and users', () => {
  it('signs up an account with an active admin user, finds it by username, updates it', async () => {
    const r = await signup();
    expect(r.status).toBe(201);
    const account = r.body.account;
    expect(account).toMatchObject({ org_name: 'Dev Corp', state: 'approved', monthly_billing_enabled: true, annotations: { managed_by: 'operator' } });
    expect((await api.get('/admin/api/accounts/find.json', { username: 'dev' })).body.account.id).toBe(account.id);
    expect((await api.get('/admin/api/accounts/find.json', { username: 'nobody' })).status).toBe(404);
    const users = (await api.get(`/admin/api/accounts/${account.id}/users.json`)).body.users;
    expect(users).toEqual([{ user: expect.objectContaining({ username: 'dev', role: 'admin', state: 'active' }) }]);
    const upd = await api.form('PUT', `/admin/api/accounts/${account.id}.json`, { org_name: 'Dev Inc', monthly_billing_enabled: false, 'annotations[managed_by]': 'operator' });
    expect(upd.body.account).toMatchObject({ org_name: 'Dev Inc', monthly_billing_enabled: false });
    expect((await signup()).body).toEqual({ errors: { username: ['has already been taken'], email: ['has already been taken'] } });
    expect(emu.violations).toEqual([]);
  });

  it('answers a flaky 409 with an empty body while the account is created (operator#1039)', async () => {
    emu.state.failNextSignupsWithConflict('acme');
    const r = await signup('flaky');
    expect(r.status).toBe(409);
    expect(r.body).toBeUndefined();
    expect((await api.get('/admin/api/accounts/find.json', { username: 'flaky' })).status).toBe(200);
    expect((await signup('second')).status).toBe(201);
  });

  it('creates pending members, activates, suspends, changes role, deletes', async () => {
    const account = (await signup()).body.account;
    const base = `/admin/api/accounts/${account.id}/users`;
    const created = await api.form('POST', `${base}.json`, { username: 'bob', email: 'bob@example.com', password: 'x', role: 'admin' });
    expect(created.body.user).toMatchObject({ state: 'pending', role: 'member' });
    const id = created.body.user.id;
    expect((await api.form('POST', `${base}.json`, { username: 'bob2', email: 'not-an-email', password: 'x' })).body.errors.email).toBeDefined();
    expect((await api.form('PUT', `${base}/${id}/activate.json`)).body.user.state).toBe('active');
    expect((await api.form('PUT', `${base}/${id}/activate.json`)).status).toBe(422);
    expect((await api.form('PUT', `${base}/${id}/suspend.json`)).body.user.state).toBe('suspended');
    expect((await api.form('PUT', `${base}/${id}/unsuspend.json`)).body.user.state).toBe('active');
    expect((await api.form('PUT', `${base}/${id}/admin.json`)).body.user.role).toBe('admin');
    expect((await api.get(`${base}.json`, { role: 'member' })).body.users).toEqual([]);
    expect((await api.form('PUT', `${base}/${id}.json`, { email: 'robert@example.com', username: 'robert' })).body.user).toMatchObject({ username: 'robert' });
    expect((await api.delete(`${base}/${id}.json`)).status).toBe(200);
    expect((await api.get(`${base}/${id}.json`)).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });
});

describe('applications and keys', () => {
  it('creates a user_key application, changes plan, suspends and resumes', async () => {
    const account = (await signup()).body.account;
    const { service, plan } = await productWithPlan('1');
    const apps = `/admin/api/accounts/${account.id}/applications`;
    const app = await api.form('POST', `${apps}.json`, { plan_id: plan.id, name: 'App', description: 'd', user_key: 'uk-1' });
    expect(app.status).toBe(201);
    expect(app.body.application).toMatchObject({ user_key: 'uk-1', service_id: service.id, plan_id: plan.id, state: 'live' });
    expect((await api.form('POST', `${apps}.json`, { plan_id: plan.id, name: 'Twin', user_key: 'uk-1' })).body).toEqual({ errors: { user_key: ['has already been taken'] } });
    expect((await api.form('POST', `${apps}.json`, { plan_id: 999, name: 'x' })).status).toBe(404);
    const id = app.body.application.id;
    const gold = (await api.form('POST', `/admin/api/services/${service.id}/application_plans.json`, { name: 'gold' })).body.application_plan;
    expect((await api.form('PUT', `${apps}/${id}/change_plan.json`, { plan_id: gold.id })).body.application.plan_id).toBe(gold.id);
    const other = await productWithPlan('2');
    expect((await api.form('PUT', `${apps}/${id}/change_plan.json`, { plan_id: other.plan.id })).status).toBe(422);
    expect((await api.form('PUT', `${apps}/${id}/suspend.json`, {})).body.application.state).toBe('suspended');
    expect((await api.form('PUT', `${apps}/${id}/resume.json`, {})).body.application.state).toBe('live');
    expect((await api.form('PUT', `${apps}/${id}.json`, { name: 'Renamed', user_key: 'uk-2' })).body.application).toMatchObject({ name: 'Renamed', user_key: 'uk-2' });
    expect((await api.get(`${apps}.json`)).body.applications).toHaveLength(1);
    expect((await api.delete(`${apps}/${id}.json`)).status).toBe(200);
    expect(emu.violations).toEqual([]);
  });

  it('manages app_id/app_key keys: given, random, duplicate, limit of 5', async () => {
    const account = (await signup()).body.account;
    const { plan } = await productWithPlan('2');
    const apps = `/admin/api/accounts/${account.id}/applications`;
    const app = (await api.form('POST', `${apps}.json`, { plan_id: plan.id, name: 'App', application_id: 'app-1', application_key: 'key-one' })).body.application;
    expect(app.application_id).toBe('app-1');
    const keys = `${apps}/${app.id}/keys.json`;
    expect((await api.form('POST', keys, { key: 'key-two' })).status).toBe(201);
    expect((await api.form('POST', keys)).status).toBe(201); // random key, no body
    expect((await api.form('POST', keys, { key: 'key-two' })).body).toEqual({ errors: { value: ['has already been taken'] } });
    const listed = (await api.get(keys)).body.keys.map((k: { key: { value: string } }) => k.key.value);
    expect(listed.slice(0, 2)).toEqual(['key-one', 'key-two']);
    expect(listed).toHaveLength(3);
    await api.form('POST', keys, { key: 'key-four' });
    await api.form('POST', keys, { key: 'key-five' });
    expect((await api.form('POST', keys, { key: 'key-six' })).body).toEqual({ errors: { base: ['Limit reached'] } });
    expect((await api.delete(`${apps}/${app.id}/keys/key-two.json`)).status).toBe(200);
    expect(emu.state.applicationKeys('acme', app.id)).not.toContain('key-two');
    expect(emu.violations).toEqual([]);
  });
});

describe('master API: tenants', () => {
  it('signs up a tenant whose token works on its own admin portal, and schedules its deletion', async () => {
    const r = await master.form('POST', '/master/api/providers.json', { org_name: 'New Corp', username: 'boss', email: 'boss@new.example.com', password: 'pw', 'annotations[managed_by]': 'operator' });
    expect(r.status).toBe(201);
    const { account, access_token: token } = r.body.signup;
    expect(account).toMatchObject({ org_name: 'New Corp', state: 'approved', annotations: { managed_by: 'operator' } });
    expect(token).toMatchObject({ scopes: ['account_management'], permission: 'rw', value: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const adminUrl = `http://${account.admin_domain}`;
    expect(adminUrl).toBe(emu.adminUrl('new-corp'));
    const tenantApi = new PortaClient(adminUrl, token.value);
    expect((await tenantApi.form('POST', '/admin/api/services.json', { name: 'Mine' })).status).toBe(201);
    expect((await tenantApi.get('/admin/api/registry/policies.json')).status).toBe(403); // no policy_registry scope

    // the master portal sees the tenant's admin user (operator's Tenant reconciler)
    const users = (await master.get(`/admin/api/accounts/${account.id}/users.json`)).body.users;
    expect(users).toEqual([{ user: expect.objectContaining({ username: 'boss', role: 'admin', state: 'active' }) }]);
    expect((await master.form('POST', `/admin/api/accounts/${account.id}/users.json`, { email: 'ops@new.example.com', username: 'ops' })).status).toBe(201);

    expect((await master.get(`/master/api/providers/${account.id}.json`)).body.signup.account.id).toBe(account.id);
    const upd = await master.form('PUT', `/master/api/providers/${account.id}.json`, { support_email: 'help@new.example.com' });
    expect(upd.body.signup.account.support_email).toBe('help@new.example.com');

    expect((await master.delete(`/master/api/providers/${account.id}.json`)).status).toBe(200);
    expect((await master.get(`/master/api/providers/${account.id}.json`)).body.signup.account.state).toBe('scheduled_for_deletion');
    expect(emu.state.tenants().find((t) => t.name === 'new-corp')?.deletionScheduledAt).toBeDefined();
    expect((await tenantApi.get('/admin/api/services.json')).status).toBe(403);
    // only the state may change now
    await master.form('PUT', `/master/api/providers/${account.id}.json`, { support_email: 'other@new.example.com' });
    expect((await master.get(`/master/api/providers/${account.id}.json`)).body.signup.account.support_email).toBe('help@new.example.com');
    expect((await master.form('PUT', `/master/api/providers/${account.id}.json`, { state_event: 'resume' })).body.signup.account.state).toBe('approved');
    expect((await tenantApi.get('/admin/api/services.json')).status).toBe(200);

    await master.delete(`/master/api/providers/${account.id}.json`);
    expect(emu.state.purgeScheduledTenants()).toEqual(['new-corp']);
    expect((await master.get(`/master/api/providers/${account.id}.json`)).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });

  it('refuses a wrong master token with 401 unauthorized, and the master API on a tenant portal', async () => {
    const r = await new PortaClient(emu.url, 'acme-token').get('/master/api/providers/2.json');
    expect(r).toMatchObject({ status: 401, body: 'unauthorized' });
    expect((await new PortaClient(emu.adminUrl('acme'), 'm-token').get('/master/api/providers/2.json')).status).toBe(404);
    const missing = await master.form('POST', '/master/api/providers.json', { org_name: 'x' });
    expect(missing.status).toBe(400); // username, email, password are required by the published contract
    expect(emu.violations).toHaveLength(1);
  });
});

describe('ActiveDocs and the policy registry', () => {
  it('creates, binds and unbinds an ActiveDoc; system_name unique', async () => {
    const service = (await api.form('POST', '/admin/api/services.json', { name: 'P' })).body.service;
    const body = JSON.stringify({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths: {} });
    const doc = await api.form('POST', '/admin/api/active_docs.json', { name: 'Pets', system_name: 'pets', body, published: true, service_id: service.id });
    expect(doc.body.api_doc).toMatchObject({ system_name: 'pets', published: true, service_id: service.id });
    expect((await api.form('POST', '/admin/api/active_docs.json', { name: 'Pets', system_name: 'pets', body })).status).toBe(422);
    expect((await api.form('POST', '/admin/api/active_docs.json', { name: 'Bad', body: 'not json' })).body.errors.body).toEqual(['JSON Spec is invalid']);
    // the form way to unbind (porta's test_update_can_remove_service): an empty service_id
    const unbound = await api.form('PUT', `/admin/api/active_docs/${doc.body.api_doc.id}.json`, { service_id: '' });
    expect(unbound.body.api_doc.service_id).toBeNull();
    expect((await api.get('/admin/api/active_docs.json')).body.api_docs).toHaveLength(1);
    expect(emu.violations).toEqual([]);
  });

  it('stores custom policies by name and version (schema a JSON text field), addressable by id or name-version', async () => {
    const schema = { name: 'My policy', version: '0.1', summary: 's', $schema: 'http://json-schema.org/draft-07/schema#', configuration: { type: 'object' } };
    const created = await api.form('POST', '/admin/api/registry/policies.json', { name: 'my-policy', version: '0.1', schema: JSON.stringify(schema) });
    expect(created.status).toBe(201);
    expect(created.body.policy).toMatchObject({ name: 'my-policy', version: '0.1', schema });
    expect((await api.form('POST', '/admin/api/registry/policies.json', { name: 'my-policy', version: '0.1', schema: JSON.stringify(schema) })).status).toBe(422);
    expect((await api.get('/admin/api/registry/policies/my-policy-0.1.json')).body.policy.id).toBe(created.body.policy.id);
    const upd = await api.form('PUT', `/admin/api/registry/policies/${created.body.policy.id}.json`, { schema: JSON.stringify({ ...schema, summary: 'changed' }) });
    expect(upd.body.policy.schema.summary).toBe('changed');
    expect((await api.form('POST', '/admin/api/registry/policies.json', { name: 'p', version: '1', schema: JSON.stringify({ name: 'x' }) })).status).toBe(422);
    expect(emu.violations).toEqual([]);
  });
});

describe('state helpers', () => {
  it('simulate admin-portal drift and deletion', async () => {
    const b = (await api.form('POST', '/admin/api/backend_apis.json', { name: 'B', system_name: 'b', private_endpoint: 'https://b.example.com' })).body.backend_api;
    emu.state.patch('acme', 'backends', b.id, { description: 'edited in the admin portal' });
    expect((await api.get(`/admin/api/backend_apis/${b.id}.json`)).body.backend_api.description).toBe('edited in the admin portal');
    expect(emu.state.remove('acme', 'backends', b.id)).toBe(true);
    expect((await api.get(`/admin/api/backend_apis/${b.id}.json`)).status).toBe(404);
    expect(emu.state.tenants().map((t) => t.name)).toEqual(['acme']);
  });
});

const signupTenant = (org: string, username = 'admin') =>
  master.form('POST', '/master/api/providers.json', { org_name: org, username, email: `${username}@${org.toLowerCase()}.example.com`, password: 'pw' });

describe('master API: tenant admin users and token recovery', () => {
  it('signs up a tenant whose admin has the username of another tenant’s admin (usernames are per tenant)', async () => {
    const r = await signupTenant('Ecorp');
    expect(r.status).toBe(201);
    expect(r.body.signup.access_token.value).toMatch(/^[0-9a-f]{64}$/);
    const users = (await master.get(`/admin/api/accounts/${r.body.signup.account.id}/users.json`)).body.users;
    expect(users).toEqual([{ user: expect.objectContaining({ username: 'admin', role: 'admin', state: 'active' }) }]);
    expect((await signupTenant('Ecorp')).body).toEqual({ errors: { subdomain: ['has already been taken'] } });
  });

  it("mints a token for the tenant's admin with the provider key master shows, and the token works on the tenant's portal", async () => {
    const account = (await signupTenant('Keyed')).body.signup.account;
    const admin = (await master.get(`/admin/api/accounts/${account.id}/users.json`)).body.users[0].user;
    const apps = (await master.get(`/admin/api/accounts/${account.id}/applications.json`)).body.applications;
    const providerKey = apps[0].application.user_key;
    expect(providerKey).toMatch(/^[0-9a-f]{32}$/);

    const portal = `http://${account.admin_domain}`;
    const withKey = new PortaClient(portal, providerKey);
    const minted = await withKey.form('POST', `/admin/api/users/${admin.id}/access_tokens.json`, { name: 'recovered', permission: 'rw', 'scopes[]': 'account_management' });
    expect(minted.status).toBe(201);
    expect(minted.body.access_token).toMatchObject({ name: 'recovered', permission: 'rw', scopes: ['account_management'] });
    expect((await new PortaClient(portal, minted.body.access_token.value).get('/admin/api/backend_apis.json')).status).toBe(200);

    // Only the portal account's own users; a permission outside the spec's enum is off contract (400 and a violation).
    expect((await withKey.form('POST', `/admin/api/users/999999/access_tokens.json`, { name: 'x', permission: 'rw', 'scopes[]': 'account_management' })).status).toBe(404);
    expect((await withKey.form('POST', `/admin/api/users/${admin.id}/access_tokens.json`, { name: '', permission: 'rx', 'scopes[]': 'account_management' })).status).toBe(400);
    // The provider key of one tenant opens no other tenant's portal.
    expect((await new PortaClient(emu.adminUrl('acme'), providerKey).get('/admin/api/backend_apis.json')).status).toBe(403);
    expect(emu.violations).toHaveLength(1);
  });
});
