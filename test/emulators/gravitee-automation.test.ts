import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { AUTOMATION, apiSpec, applicationSpec, call } from './gravitee-helpers.ts';

/** Java UUID.nameUUIDFromBytes, written out independently of the emulator. */
function javaNameUuid(s: string): string {
  const b = [...createHash('md5').update(Buffer.from(s, 'utf8')).digest()];
  b[6] = (b[6]! & 0x0f) | 0x30;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

// Values computed with Python's uuid.UUID(bytes=md5(seed), version=3), i.e. Java's nameUUIDFromBytes.
const PETSTORE_CROSS_ID = '1c670922-98b8-3f15-ae6f-b57092fde1d2'; // v3('DEFAULT' + 'default-petstore')
const PETSTORE_ID = 'ca5d43e4-3658-3bc2-b3e9-dccc43a92308'; // v3(crossId + 'DEFAULT')
const KEYLESS_PLAN_ID = '9195eded-d03e-3a22-adb4-fc3ee94c6a14'; // v3(apiCrossId + 'DEFAULT' + 'keyless')
const KEYLESS_PLAN_CROSS_ID = '9b179e35-5440-32ac-89b5-7afffe60fa86'; // v3(apiCrossId + 'keyless')
const APP_ID = 'dae6b635-631a-3989-8315-1b4fc8c060d8'; // v3(v3('DEFAULT' + 'default-my-app') + 'DEFAULT')

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator({ organizations: { DEFAULT: ['DEFAULT'], acme: ['prod'] } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('ids', () => {
  it('the independent helper agrees with a known Java value', () => {
    expect(javaNameUuid('')).toBe('d41d8cd9-8f00-3204-a980-0998ecf8427e'); // UUID.nameUUIDFromBytes(new byte[0])
    expect(javaNameUuid('DEFAULTdefault-petstore')).toBe(PETSTORE_CROSS_ID);
  });

  it('derives API and plan ids from the HRID as APIM does', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ hrid: 'default-petstore', id: PETSTORE_ID, crossId: PETSTORE_CROSS_ID, organizationId: 'DEFAULT', environmentId: 'DEFAULT' });
    expect(r.body.plans).toEqual([expect.objectContaining({ hrid: 'keyless', id: KEYLESS_PLAN_ID, crossId: KEYLESS_PLAN_CROSS_ID })]);
    expect(r.body.errors).toEqual({ severe: [], warning: [] });
  });

  it('derives ids per organization and environment', async () => {
    const r = await call(emu, 'PUT', '/automation/organizations/acme/environments/prod/apis', { body: apiSpec('team-orders', '/orders') });
    const crossId = javaNameUuid('acme' + 'team-orders');
    expect(crossId).toBe('1f747964-3c83-3974-9937-c01800527636');
    expect(r.body).toMatchObject({ crossId, id: javaNameUuid(crossId + 'prod'), organizationId: 'acme', environmentId: 'prod' });
    expect(emu.state.apis('acme', 'prod')).toHaveLength(1);
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toHaveLength(0);
  });

  it('uses the HRID as the id with hridContainsUUID=true', async () => {
    const legacyId = '5b1e8a26-6d8e-4b5c-9e0f-0a1b2c3d4e5f';
    const r = await call(emu, 'PUT', `${AUTOMATION}/apis?hridContainsUUID=true`, { body: apiSpec(legacyId, '/legacy') });
    expect(r.body.id).toBe(legacyId);
    expect((await call(emu, 'GET', `${AUTOMATION}/apis/${legacyId}?hridContainsUUID=true`)).status).toBe(200);
    expect((await call(emu, 'DELETE', `${AUTOMATION}/apis/${legacyId}?hridContainsUUID=true`)).status).toBe(204);
  });
});

describe('apis', () => {
  it('upserts idempotently: same ids, one API, updated fields', async () => {
    const first = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    const second = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore', { name: 'Renamed' }) });
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.plans[0].id).toBe(first.body.plans[0].id);
    const stored = emu.state.apis('DEFAULT', 'DEFAULT');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.name).toBe('Renamed');
    const got = await call(emu, 'GET', `${AUTOMATION}/apis/default-petstore`);
    expect(got.body).toMatchObject({ id: PETSTORE_ID, name: 'Renamed' });
  });

  it('deletes, then answers 404 in the HRIDNotFound shape', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    const del = await call(emu, 'DELETE', `${AUTOMATION}/apis/default-petstore`);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    const again = await call(emu, 'DELETE', `${AUTOMATION}/apis/default-petstore`);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ httpStatus: 404, message: 'HRID [default-petstore] cannot be found.', technicalCode: 'hrid.notFound', parameters: { hrid: 'default-petstore' } });
    expect((await call(emu, 'GET', `${AUTOMATION}/apis/default-petstore`)).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });

  it('dryRun answers the state with errors and stores nothing', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/apis?dryRun=true`, { body: apiSpec('default-petstore', '/petstore') });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: PETSTORE_ID, errors: { severe: [], warning: [] } });
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('rejects a context path taken by another API; dryRun reports it as a severe error', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    const dry = await call(emu, 'PUT', `${AUTOMATION}/apis?dryRun=true`, { body: apiSpec('default-other', '/petstore/v2') });
    expect(dry.status).toBe(200);
    expect(dry.body.errors.severe).toEqual(['Path [/petstore/] already exists']);
    const real = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-other', '/petstore/v2') });
    expect(real.status).toBe(400);
    expect(real.body).toEqual({ httpStatus: 400, technicalCode: 'invalid', message: 'Unable to import because of errors [Path [/petstore/] already exists]' });
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toHaveLength(1);
    // the API itself may keep its path
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') })).status).toBe(200);
  });

  it('frees a context path when its API is deleted or moved by console drift', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-a', '/shop/') });
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis?dryRun=true`, { body: apiSpec('default-b', '/') })).body.errors.severe).toEqual([
      'Path [/shop/] already exists',
    ]);
    emu.state.patchApi('DEFAULT', 'DEFAULT', 'default-a', { listeners: [{ type: 'HTTP', paths: [{ path: '/store', host: 'h.example' }] }] });
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-b', '/shop') })).status).toBe(200);
    const dup = await call(emu, 'PUT', `${AUTOMATION}/apis?dryRun=true`, {
      body: apiSpec('default-c', '/x', { listeners: [{ type: 'HTTP', paths: [{ path: '/c' }, { path: 'c//' }, { path: '/bad path' }] }] }),
    });
    expect(dup.body.errors.severe).toEqual(['Path [/bad path] is invalid', 'Path [/c/] is duplicated']);
    expect((await call(emu, 'DELETE', `${AUTOMATION}/apis/default-b`)).status).toBe(204);
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-c', '/shop/cart') })).status).toBe(200);
  });

  it('reports an HTTP listener without path and unknown groups', async () => {
    const spec = apiSpec('default-nopath', '/x', { listeners: [{ type: 'HTTP', entrypoints: [{ type: 'http-proxy' }] }], groups: ['devs'] });
    const dry = await call(emu, 'PUT', `${AUTOMATION}/apis?dryRun=true`, { body: spec });
    expect(dry.body.errors).toEqual({
      severe: ['HTTP listener requires a minimum of one path'],
      warning: ['Group [devs] could not be found in environment [DEFAULT]'],
    });
    emu.state.addGroup('DEFAULT', 'DEFAULT', 'devs');
    const ok = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-grouped', '/grouped', { groups: ['devs'] }) });
    expect(ok.body.errors.warning).toEqual([]);
  });

  it('drops plans removed from the spec on update', async () => {
    const twoPlans = apiSpec('default-petstore', '/petstore');
    (twoPlans.plans as object[]).push({ hrid: 'premium', name: 'Premium', status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'MANUAL', security: { type: 'API_KEY' } });
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: twoPlans })).body.plans).toHaveLength(2);
    const r = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    expect(r.body.plans.map((p: { hrid: string }) => p.hrid)).toEqual(['keyless']);
  });

  it('shows console drift made through the state helpers', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    emu.state.patchApi('DEFAULT', 'DEFAULT', 'default-petstore', { description: 'edited in the console' });
    expect((await call(emu, 'GET', `${AUTOMATION}/apis/default-petstore`)).body.description).toBe('edited in the console');
    expect(emu.state.deleteApi('DEFAULT', 'DEFAULT', 'default-petstore')).toBe(true);
    expect((await call(emu, 'GET', `${AUTOMATION}/apis/default-petstore`)).status).toBe(404);
  });
});

describe('applications', () => {
  it('creates, reads, updates and archives on delete', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-my-app') });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ hrid: 'default-my-app', id: APP_ID, organizationId: 'DEFAULT', environmentId: 'DEFAULT', status: 'ACTIVE', errors: { severe: [], warning: [] } });
    const again = await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-my-app', { description: 'v2' }) });
    expect(again.body.id).toBe(APP_ID);
    expect((await call(emu, 'GET', `${AUTOMATION}/applications/default-my-app`)).body.description).toBe('v2');
    expect((await call(emu, 'DELETE', `${AUTOMATION}/applications/default-my-app`)).status).toBe(204);
    expect((await call(emu, 'GET', `${AUTOMATION}/applications/default-my-app`)).status).toBe(404);
    expect((await call(emu, 'DELETE', `${AUTOMATION}/applications/default-my-app`)).status).toBe(404);
    expect(emu.state.archivedApplications('DEFAULT', 'DEFAULT')).toEqual([expect.objectContaining({ id: APP_ID, status: 'ARCHIVED' })]);
    expect(emu.violations).toEqual([]);
  });

  it('dryRun stores nothing', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/applications?dryRun=true`, { body: applicationSpec('default-my-app') });
    expect(r.body.id).toBe(APP_ID);
    expect(emu.state.applications('DEFAULT', 'DEFAULT')).toEqual([]);
  });
});

describe('contract', () => {
  it('answers 400 and records a violation for a body outside the spec', async () => {
    const { name: _name, ...noName } = apiSpec('default-petstore', '/petstore');
    const r = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: noName });
    expect(r.status).toBe(400);
    expect(r.body.technicalCode).toBe('invalid');
    expect(r.body.message).toMatch(/^Unable to import because of errors \[.*\/name/);
    expect(emu.violations).toHaveLength(1);
    expect(emu.violations[0]).toMatchObject({ method: 'PUT', path: `${AUTOMATION}/apis` });
    expect(emu.violations[0]!.problems.join()).toContain("must have required property 'name'");
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
  });

  it('records unknown paths, wrong query types, invalid JSON and operations the emulator does not serve', async () => {
    expect((await call(emu, 'GET', `${AUTOMATION}/nothing-here`)).status).toBe(400);
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis?dryRun=perhaps`, { body: apiSpec('default-petstore', '/p') })).status).toBe(400);
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: '{not json' })).status).toBe(400);
    // Every Automation operation is served; Management v2 lists are not.
    const list = `/management/v2/organizations/DEFAULT/environments/DEFAULT/apis`;
    expect((await call(emu, 'GET', list)).status).toBe(501);
    expect(emu.violations.map((v) => v.path)).toEqual([`${AUTOMATION}/nothing-here`, `${AUTOMATION}/apis`, `${AUTOMATION}/apis`, list]);
    expect(emu.violations[1]!.problems).toEqual(['query /dryRun: must be boolean']);
  });

  it('logs calls with their status', async () => {
    await call(emu, 'GET', `${AUTOMATION}/apis/missing`);
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-petstore', '/petstore') });
    expect(emu.calls).toEqual([
      { method: 'GET', path: `${AUTOMATION}/apis/missing`, status: 404 },
      { method: 'PUT', path: `${AUTOMATION}/apis`, status: 200 },
    ]);
  });
});
