import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { nameUuid } from '../../vendors/gravitee/uuid-v3.ts';
import { AUTOMATION, apiSpec, applicationSpec, call } from './gravitee-helpers.ts';

const member = (sourceId: string, roles?: Record<string, string>) => ({ source: 'memory', sourceId, ...(roles ? { roles } : {}) });
const group = (hrid: string, extra: Record<string, unknown> = {}) => ({ hrid, name: `group ${hrid}`, members: [member('api1', { API: 'OWNER' })], ...extra });

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator({ organizations: { DEFAULT: ['DEFAULT'] } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('Automation groups', () => {
  it('upserts by HRID with ids derived as for APIs, counts members and answers GET and DELETE', async () => {
    const put = await call(emu, 'PUT', `${AUTOMATION}/groups`, { body: group('default-devs') });
    expect(put.status).toBe(200);
    const crossId = nameUuid('DEFAULT' + 'default-devs');
    expect(put.body).toMatchObject({ hrid: 'default-devs', id: nameUuid(crossId + 'DEFAULT'), memberCount: 1, notifyMembers: true, errors: { severe: [], warning: [] } });
    const again = await call(emu, 'PUT', `${AUTOMATION}/groups`, { body: group('default-devs', { name: 'renamed', notifyMembers: false }) });
    expect(again.body.id).toBe(put.body.id);
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'groups')).toHaveLength(1);
    const got = await call(emu, 'GET', `${AUTOMATION}/groups/default-devs`);
    expect(got.body).toMatchObject({ name: 'renamed', notifyMembers: false, memberCount: 1 });
    expect((await call(emu, 'DELETE', `${AUTOMATION}/groups/default-devs`)).status).toBe(204);
    const gone = await call(emu, 'GET', `${AUTOMATION}/groups/default-devs`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ technicalCode: 'hrid.notFound', message: 'HRID [default-devs] cannot be found.' });
    expect((await call(emu, 'DELETE', `${AUTOMATION}/groups/default-devs`)).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });

  it('keeps the members the identity provider knows, one per user, with default roles, and warns about the rest', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/groups`, {
      body: group('default-mixed', { members: [member('api1', { API: 'OWNER' }), member('api1', { APPLICATION: 'OWNER' }), member('nobody'), member('admin', { API: 'CHIEF' })] }),
    });
    expect(r.status).toBe(200);
    expect(r.body.memberCount).toBe(2);
    expect(r.body.members).toEqual([
      { source: 'memory', sourceId: 'api1', roles: { API: 'USER', APPLICATION: 'OWNER', INTEGRATION: 'USER' } },
      { source: 'memory', sourceId: 'admin', roles: { API: 'CHIEF', APPLICATION: 'USER', INTEGRATION: 'USER' } },
    ]);
    expect(r.body.errors.warning).toEqual(['member [nobody] of source [memory] could not be found in organization [DEFAULT]', "member role [CHIEF] doesn't exist"]);
  });

  it('refuses the primary owner role; dryRun reports it and stores nothing', async () => {
    const body = group('default-po', { members: [member('api1', { API: 'PRIMARY_OWNER' })] });
    const dry = await call(emu, 'PUT', `${AUTOMATION}/groups?dryRun=true`, { body });
    expect(dry.body.errors.severe).toEqual(['setting a member with the primary owner role is not allowed']);
    const real = await call(emu, 'PUT', `${AUTOMATION}/groups`, { body });
    expect(real.status).toBe(400);
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'groups')).toEqual([]);
  });

  it('uses the HRID as the id with hridContainsUUID=true', async () => {
    const id = '3f0e6c7e-2b8b-4c57-9d0a-3f9a1b2c3d4e';
    expect((await call(emu, 'PUT', `${AUTOMATION}/groups?hridContainsUUID=true`, { body: group(id) })).body.id).toBe(id);
    expect((await call(emu, 'GET', `${AUTOMATION}/groups/${id}?hridContainsUUID=true`)).status).toBe(200);
    expect((await call(emu, 'DELETE', `${AUTOMATION}/groups/${id}?hridContainsUUID=true`)).status).toBe(204);
  });

  it('makes API and application imports know its groups by id or by name', async () => {
    const created = await call(emu, 'PUT', `${AUTOMATION}/groups`, { body: group('default-devs', { name: 'developers' }) });
    const api = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-api', '/api', { groups: ['developers', created.body.id, 'strangers'] }) });
    expect(api.body.errors.warning).toEqual(['Group [strangers] could not be found in environment [DEFAULT]']);
    const app = await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-app', { groups: ['developers'] }) });
    expect(app.body.errors.warning).toEqual([]);
    await call(emu, 'DELETE', `${AUTOMATION}/groups/default-devs`);
    const again = await call(emu, 'PUT', `${AUTOMATION}/applications`, { body: applicationSpec('default-app', { groups: ['developers'] }) });
    expect(again.body.errors.warning).toEqual(['Group [developers] could not be found in environment [DEFAULT]']);
    expect(emu.violations).toEqual([]);
  });

  it('refuses a body outside the published GroupSpec (no name) as a contract violation', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/groups`, { body: { hrid: 'default-x', members: [] } });
    expect(r.status).toBe(400);
    expect(emu.violations).toHaveLength(1);
  });
});
