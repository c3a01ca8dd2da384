import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { unknownSharedPolicyGroups } from '../../emulators/gravitee/automation-shared-policy-groups.ts';
import { topLevelIds } from '../../emulators/gravitee/ids.ts';
import { EnvironmentData } from '../../emulators/gravitee/store.ts';
import { AUTOMATION, apiSpec, call } from './gravitee-helpers.ts';

const SPGS = `${AUTOMATION}/shared-policy-groups`;

function spg(hrid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hrid,
    name: `SPG ${hrid}`,
    description: 'rate limiting',
    prerequisiteMessage: '',
    apiType: 'PROXY',
    phase: 'REQUEST',
    steps: [{ name: 'Rate Limit', enabled: true, policy: 'rate-limit', configuration: { rate: { limit: 10, periodTime: 1, periodTimeUnit: 'MINUTES' } } }],
    ...extra,
  };
}

let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator({ organizations: { DEFAULT: ['DEFAULT'] } });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

describe('shared policy groups', () => {
  it('upserts by hrid with ids derived as APIM derives them, and reads it back', async () => {
    const put = await call(emu, 'PUT', `${SPGS}?dryRun=false`, { body: spg('default-rate') });
    expect(put.status).toBe(200);
    const ids = topLevelIds('DEFAULT', 'DEFAULT', 'default-rate');
    expect(put.body).toMatchObject({ hrid: 'default-rate', id: ids.id, crossId: ids.crossId, organizationId: 'DEFAULT', environmentId: 'DEFAULT', errors: { severe: [], warning: [] } });
    const again = await call(emu, 'PUT', SPGS, { body: spg('default-rate', { name: 'renamed' }) });
    expect(again.body.id).toBe(ids.id);
    const got = await call(emu, 'GET', `${SPGS}/default-rate`);
    expect(got.body).toMatchObject({ hrid: 'default-rate', name: 'renamed', apiType: 'PROXY', phase: 'REQUEST', crossId: ids.crossId });
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'shared-policy-groups')).toHaveLength(1);
    expect(emu.violations).toEqual([]);
  });

  it('keeps the API type and phase of an existing group, and a field left out of an update, as APIM does', async () => {
    await call(emu, 'PUT', SPGS, { body: spg('default-rate') });
    const { description: _d, steps: _s, ...withoutOptional } = spg('default-rate', { apiType: 'MESSAGE', phase: 'PUBLISH' });
    expect((await call(emu, 'PUT', SPGS, { body: withoutOptional })).status).toBe(200);
    const got = (await call(emu, 'GET', `${SPGS}/default-rate`)).body;
    expect(got).toMatchObject({ apiType: 'PROXY', phase: 'REQUEST', description: 'rate limiting' });
    expect(got.steps).toHaveLength(1);
    await call(emu, 'PUT', SPGS, { body: spg('default-rate', { steps: [] }) });
    expect((await call(emu, 'GET', `${SPGS}/default-rate`)).body.steps).toEqual([]);
  });

  it('refuses a phase the API type does not have, with APIM message, and stores nothing', async () => {
    const r = await call(emu, 'PUT', SPGS, { body: spg('default-bad', { phase: 'PUBLISH' }) });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain('Invalid phase MESSAGE_REQUEST for API type PROXY');
    const dry = await call(emu, 'PUT', `${SPGS}?dryRun=true`, { body: spg('default-bad', { phase: 'SUBSCRIBE' }) });
    expect(dry.status).toBe(200);
    expect(dry.body.errors.severe).toEqual(['Invalid phase MESSAGE_RESPONSE for API type PROXY']);
    expect((await call(emu, 'PUT', SPGS, { body: spg('default-msg', { apiType: 'MESSAGE', phase: 'SUBSCRIBE' }) })).status).toBe(200);
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'shared-policy-groups').map((o) => o.hrid)).toEqual(['default-msg']);
  });

  it('refuses an empty name and, through the published contract, a missing phase', async () => {
    expect((await call(emu, 'PUT', SPGS, { body: spg('default-noname', { name: '' }) })).body.message).toContain('Name is required.');
    const { phase: _p, ...noPhase } = spg('default-nophase');
    expect((await call(emu, 'PUT', SPGS, { body: noPhase })).status).toBe(400);
    expect(emu.violations).toHaveLength(1);
  });

  it('deletes by hrid (404 hrid.notFound after), and a dry-run delete keeps it', async () => {
    await call(emu, 'PUT', SPGS, { body: spg('default-rate') });
    expect((await call(emu, 'DELETE', `${SPGS}/default-rate?dryRun=true`)).status).toBe(204);
    expect(emu.state.object('DEFAULT', 'DEFAULT', 'shared-policy-groups', 'default-rate')).toBeDefined();
    expect((await call(emu, 'DELETE', `${SPGS}/default-rate`)).status).toBe(204);
    const gone = await call(emu, 'GET', `${SPGS}/default-rate`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ technicalCode: 'hrid.notFound', message: 'HRID [default-rate] cannot be found.' });
    expect((await call(emu, 'DELETE', `${SPGS}/default-rate?dryRun=true`)).status).toBe(404);
    expect(emu.violations).toEqual([]);
  });
});

describe('unknownSharedPolicyGroups (the v4 API import check)', () => {
  const step = (configuration: Record<string, unknown>) => ({ name: 'spg', enabled: true, policy: 'shared-policy-group-policy', configuration });
  const ctxOf = (data: EnvironmentData) => ({ org: 'DEFAULT', env: 'DEFAULT', params: {}, query: new URLSearchParams(), body: undefined, data });

  it('accepts steps naming a stored group by hrid or crossId, in flows and plans, and refuses the others', () => {
    const data = new EnvironmentData();
    const ids = topLevelIds('DEFAULT', 'DEFAULT', 'default-rate');
    data.table('shared-policy-groups').upsert(ids.id, { hrid: 'default-rate', id: ids.id, crossId: ids.crossId });
    const api = {
      flows: [{ request: [step({ hrid: 'default-rate', sharedPolicyGroupId: ids.crossId }), { policy: 'rate-limit', configuration: {} }] }],
      plans: [{ hrid: 'free', flows: [{ response: [step({ sharedPolicyGroupId: ids.crossId })], publish: [step({ hrid: 'default-missing' })] }] }],
    };
    expect(unknownSharedPolicyGroups(ctxOf(data), api)).toEqual(['SharedPolicyGroup [default-missing] cannot be found.']);
    expect(unknownSharedPolicyGroups(ctxOf(new EnvironmentData()), { flows: [{ request: [step({ hrid: 'default-rate' })] }] })).toHaveLength(1);
    expect(unknownSharedPolicyGroups(ctxOf(data), { flows: [] })).toEqual([]);
  });

  it('refuses the import of a v4 API whose step names a group the environment lacks, and takes it once the group exists', async () => {
    const api = apiSpec('default-limited', '/limited', { flows: [{ enabled: true, request: [step({ hrid: 'default-rate', sharedPolicyGroupId: topLevelIds('DEFAULT', 'DEFAULT', 'default-rate').crossId })] }] });
    const refused = await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: api });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ technicalCode: 'invalid', message: 'Unable to import because of errors [SharedPolicyGroup [default-rate] cannot be found.]' });
    expect(emu.state.apis('DEFAULT', 'DEFAULT')).toEqual([]);
    await call(emu, 'PUT', SPGS, { body: spg('default-rate') });
    expect((await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: api })).status).toBe(200);
    expect(emu.violations).toEqual([]);
  });
});
