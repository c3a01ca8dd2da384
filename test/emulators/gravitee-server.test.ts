import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { AUTOMATION, MANAGEMENT_V1, MANAGEMENT_V2, apiSpec, call, v2Definition } from './gravitee-helpers.ts';

const basic = (user: string, password: string) => 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator({
    organizations: { DEFAULT: ['DEFAULT'], acme: ['dev', 'staging'] },
    users: [{ username: 'admin', password: 'admin' }],
    tokens: ['token-1'],
    pathPrefixes: ['/apim/rest'],
  });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('environment check (ManagementContext admission call)', () => {
  it('answers the environment', async () => {
    const r = await call(emu, 'GET', '/management/v2/organizations/acme/environments/dev');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'dev', name: 'dev', organizationId: 'acme' });
  });

  it('answers 404 for unknown environments and organizations', async () => {
    const env = await call(emu, 'GET', '/management/v2/organizations/acme/environments/prod');
    expect(env.status).toBe(404);
    expect(env.body).toMatchObject({ httpStatus: 404, technicalCode: 'environment.notFound' });
    const org = await call(emu, 'GET', '/management/v2/organizations/nobody/environments/dev');
    expect(org.status).toBe(404);
    expect(org.body).toMatchObject({ httpStatus: 404, technicalCode: 'organization.notFound' });
    const automation = await call(emu, 'PUT', '/automation/organizations/acme/environments/prod/apis', { body: apiSpec('a-api', '/a') });
    expect(automation.status).toBe(404);
    expect(emu.violations).toEqual([]);
  });
});

describe('authentication', () => {
  it('accepts basic credentials and bearer tokens', async () => {
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: basic('admin', 'admin') })).status).toBe(200);
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: 'Bearer token-1' })).status).toBe(200);
  });

  it('answers 401 without, or with wrong, credentials', async () => {
    for (const auth of [null, basic('admin', 'nope'), basic('ghost', 'admin'), 'Bearer token-2', 'Digest abc']) {
      const r = await call(emu, 'GET', MANAGEMENT_V2, { auth });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ httpStatus: 401, message: 'Unauthorized', technicalCode: 'unauthorized' });
    }
    const v1 = await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { auth: null, body: {} });
    expect(v1.status).toBe(401);
    expect(v1.body).toMatchObject({ http_status: 401, message: 'Unauthorized' });
    expect(emu.state.v2Apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('rotates credentials at run time', async () => {
    emu.setCredentials({ users: [{ username: 'admin', password: 'rotated' }] });
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: basic('admin', 'admin') })).status).toBe(401);
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: basic('admin', 'rotated') })).status).toBe(200);
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: 'Bearer token-1' })).status).toBe(200); // tokens kept
    emu.setCredentials({ tokens: ['token-2'] });
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: 'Bearer token-1' })).status).toBe(401);
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: 'Bearer token-2' })).status).toBe(200);
    emu.reset();
    expect((await call(emu, 'GET', MANAGEMENT_V2, { auth: basic('admin', 'admin') })).status).toBe(200);
  });
});

describe('v2 API definitions (Management v1 import-crd)', () => {
  const id = '0f1e2d3c-4b5a-4968-8776-655443322110';
  const crossId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

  it('imports with the given ids, reports plans by crossId, and is visible in Management v2', async () => {
    const r = await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { body: v2Definition(id, crossId, '/legacy') });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id,
      crossId,
      organizationId: 'DEFAULT',
      environmentId: 'DEFAULT',
      state: 'STARTED',
      plans: { '66666666-7777-8888-9999-000000000000': '11111111-2222-3333-4444-555555555555' },
      errors: { severe: [], warning: [] },
    });
    const again = await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { body: v2Definition(id, crossId, '/legacy', { name: 'renamed' }) });
    expect(again.body.id).toBe(id);
    expect(emu.state.v2Apis('DEFAULT', 'DEFAULT')).toEqual([expect.objectContaining({ id, name: 'renamed' })]);
    const got = await call(emu, 'GET', `${MANAGEMENT_V2}/apis/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ definitionVersion: 'V2', id, crossId, name: 'renamed' });
    expect(emu.violations).toEqual([]);
  });

  it('derives ids deterministically when the body has none; dryRun stores nothing', async () => {
    const { id: _id, crossId: _crossId, ...noIds } = v2Definition(id, crossId, '/legacy');
    const a = await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd?dryRun=true`, { body: noIds });
    const b = await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd?dryRun=true`, { body: noIds });
    expect(a.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.body).toEqual(a.body);
    expect(emu.state.v2Apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('deletes with closePlans and answers 404 in the v1 shape afterwards', async () => {
    await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { body: v2Definition(id, crossId, '/legacy') });
    expect((await call(emu, 'DELETE', `${MANAGEMENT_V1}/apis/${id}?closePlans=true`)).status).toBe(204);
    const again = await call(emu, 'DELETE', `${MANAGEMENT_V1}/apis/${id}?closePlans=true`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ http_status: 404, message: `Api [${id}] can not be found.` });
    const v2 = await call(emu, 'GET', `${MANAGEMENT_V2}/apis/${id}`);
    expect(v2.status).toBe(404);
    expect(v2.body).toMatchObject({ httpStatus: 404, technicalCode: 'api.notFound' });
  });

  it('shares context paths with v4 APIs and validates against the emulator-authored schema', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-taken', '/legacy') });
    const conflict = await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { body: v2Definition(id, crossId, '/legacy/sub') });
    expect(conflict.status).toBe(400);
    expect(conflict.body).toMatchObject({ http_status: 400, message: 'Unable to import because of errors [Path [/legacy/] already exists]' });
    const { description: _d, ...noDescription } = v2Definition(id, crossId, '/other');
    expect((await call(emu, 'PUT', `${MANAGEMENT_V1}/apis/import-crd`, { body: noDescription })).status).toBe(400);
    expect(emu.violations).toHaveLength(1);
    expect(emu.violations[0]!.problems).toEqual(["body /description: must have required property 'description'"]);
  });
});

describe('path prefixes (ManagementContext spec.path)', () => {
  it('serves every area under an extra prefix', async () => {
    const p = '/apim/rest';
    expect((await call(emu, 'GET', `${p}/v2/organizations/acme/environments/dev`)).body).toMatchObject({ id: 'dev' });
    const put = await call(emu, 'PUT', `${p}/organizations/DEFAULT/environments/DEFAULT/apis`, { body: apiSpec('default-prefixed', '/prefixed') });
    expect(put.status).toBe(200);
    expect((await call(emu, 'GET', `${p}/organizations/DEFAULT/environments/DEFAULT/apis/default-prefixed`)).body.id).toBe(put.body.id);
    const id = '0f1e2d3c-4b5a-4968-8776-655443322110';
    const v1 = await call(emu, 'PUT', `${p}/organizations/DEFAULT/environments/DEFAULT/apis/import-crd`, { body: v2Definition(id, id, '/v1-prefixed') });
    expect(v1.status).toBe(200);
    // DELETE with closePlans is Management v1 (by id); without, the Automation API (by HRID)
    expect((await call(emu, 'DELETE', `${p}/organizations/DEFAULT/environments/DEFAULT/apis/${id}?closePlans=true`)).status).toBe(204);
    expect((await call(emu, 'DELETE', `${p}/organizations/DEFAULT/environments/DEFAULT/apis/default-prefixed`)).status).toBe(204);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
    expect(emu.state.v2Apis('DEFAULT', 'DEFAULT')).toEqual([]);
    expect(emu.violations).toEqual([]);
  });

  it('does not answer under prefixes it was not given', async () => {
    const r = await call(emu, 'GET', '/other/v2/organizations/acme/environments/dev');
    expect(r.status).toBe(400);
    expect(emu.violations).toHaveLength(1);
  });
});

describe('faults', () => {
  it('answers injected statuses with Retry-After, consumed by times, matched in order', async () => {
    emu.faults.inject({ method: 'PUT', path: /\/apis$/, status: 429, retryAfterSeconds: 3, times: 1 });
    emu.faults.inject({ path: /\/apis/, status: 503, times: 2 });
    const first = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-f', '/f') });
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body).toMatchObject({ httpStatus: 429, message: 'Too Many Requests' });
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-f', '/f') })).status).toBe(503);
    expect((await call(emu, 'GET', MANAGEMENT_V2)).status).toBe(200); // path not matched, rule not consumed
    expect((await call(emu, 'GET', `${AUTOMATION}/apis/default-f`)).status).toBe(503);
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-f', '/f') })).status).toBe(200);
    expect(emu.calls.map((c) => c.status)).toEqual([429, 503, 200, 503, 200]);
  });

  it('answers a custom body, drops connections, delays, and clears', async () => {
    emu.faults.inject({ path: /environments\/DEFAULT$/, status: 500, body: { message: 'boom' }, times: 1 });
    expect((await call(emu, 'GET', MANAGEMENT_V2)).body).toEqual({ message: 'boom' });

    emu.faults.inject({ path: /environments\/DEFAULT$/, dropConnection: true, times: 1 });
    await expect(call(emu, 'GET', MANAGEMENT_V2)).rejects.toThrow();
    expect(emu.calls.at(-1)).toEqual({ method: 'GET', path: MANAGEMENT_V2, status: 0 });

    emu.faults.inject({ delayMs: 20, times: 1 });
    expect((await call(emu, 'GET', MANAGEMENT_V2)).status).toBe(200);

    emu.faults.inject({ status: 502 });
    expect((await call(emu, 'GET', MANAGEMENT_V2)).status).toBe(502);
    emu.faults.clear();
    expect((await call(emu, 'GET', MANAGEMENT_V2)).status).toBe(200);
  });
});

describe('specs location', () => {
  it('accepts the specs folder or its gravitee subfolder, and fails clearly elsewhere', async () => {
    const specs = fileURLToPath(new URL('../../emulators/specs/', import.meta.url));
    for (const specsDir of [specs, specs + 'gravitee']) {
      const e = await startGraviteeEmulator({ specsDir });
      try {
        expect((await call(e, 'GET', MANAGEMENT_V2)).status).toBe(200);
      } finally {
        await e.close();
      }
    }
    await expect(startGraviteeEmulator({ specsDir: '/nonexistent' })).rejects.toThrow(/Gravitee specs not found/);
  });
});

describe('latency option', () => {
  it('still answers normally with a fixed latency', async () => {
    const slow = await startGraviteeEmulator({ latencyMs: 5 });
    try {
      expect((await call(slow, 'GET', MANAGEMENT_V2)).status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});
