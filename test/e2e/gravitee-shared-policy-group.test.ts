import { describe, expect, it } from 'vitest';
import { nameUuid } from '../../vendors/gravitee/uuid-v3.ts';
import { apiV4, gkoDevContext, gravitee, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoExample } from '../support/gko-examples.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;
const COLLECTION = 'shared-policy-groups';

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

const remote = (name: string, org = 'acme', env = 'dev') => w.apim.state.object(org, env, COLLECTION, w.hrid(name));

const spg = (name: string, extra: Json = {}, meta: Json = {}) =>
  gravitee(
    'SharedPolicyGroup',
    name,
    {
      contextRef: { name: 'ctx' },
      name,
      description: 'rate limiting for every API',
      apiType: 'PROXY',
      phase: 'REQUEST',
      steps: [{ name: 'Rate Limit', enabled: true, policy: 'rate-limit', configuration: { rate: { limit: 10, periodTime: 1, periodTimeUnit: 'MINUTES' } } }],
      ...extra,
    },
    meta,
  );

describe('SharedPolicyGroup lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: 'SharedPolicyGroup',
    world: () => w,
    make: spg,
    remote: (name) => remote(name),
    change: { field: 'description', value: 'changed by the e2e test' },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', COLLECTION, w.hrid(name), { description: 'edited in the console' }),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', COLLECTION, w.hrid(name)),
    status: (_obj, r) => ({ id: r.id, crossId: nameUuid(`acme${r.hrid}`), organizationId: 'acme', environmentId: 'dev', processingStatus: 'Completed', errors: { severe: [], warning: [] } }),
  });
});

describe('SharedPolicyGroup particulars', () => {
  it("refuses changing GKO's immutable apiType, phase and crossId, naming the field, and recovers when reverted", async () => {
    await w.apply(spg('immutable'));
    const synced = await w.waitForCondition('SharedPolicyGroup', 'immutable', 'Accepted', 'True');
    const crossId = synced.status?.crossId as string;
    for (const [field, value] of [['apiType', 'MESSAGE'], ['phase', 'RESPONSE'], ['crossId', 'another-cross-id']] as const) {
      await w.apply(spg('immutable', { [field]: value }));
      const refused = await w.waitForCondition('SharedPolicyGroup', 'immutable', 'Accepted', 'False');
      expect(conditionOf(refused, 'Accepted')?.message).toMatch(new RegExp(`^spec\\.${field}: cannot change once`));
      expect(refused.status).toMatchObject({ processingStatus: 'Failed', crossId });
      expect(remote('immutable')).toMatchObject({ apiType: 'PROXY', phase: 'REQUEST' });
      await w.apply(spg('immutable', { [field]: field === 'crossId' ? crossId : synced.spec && (synced.spec as Json)[field] }));
      await w.waitForCondition('SharedPolicyGroup', 'immutable', 'Accepted', 'True');
    }
  });

  it('refuses a crossId APIM would not give the new group, before creating it', async () => {
    await w.apply(spg('foreign-cross-id', { crossId: 'c0ffee00-0000-3000-8000-000000000000' }));
    const refused = await w.waitForCondition('SharedPolicyGroup', 'foreign-cross-id', 'Accepted', 'False');
    expect(conditionOf(refused, 'Accepted')?.message).toContain('spec.crossId');
    expect(remote('foreign-cross-id')).toBeUndefined();
    await w.apply(spg('foreign-cross-id', { crossId: nameUuid(`acme${w.hrid('foreign-cross-id')}`) }));
    await w.waitForCondition('SharedPolicyGroup', 'foreign-cross-id', 'Accepted', 'True');
  });

  it('answers bad input with a False condition naming the field, and writes nothing to APIM', async () => {
    await w.apply(spg('bad-phase', { phase: 'PUBLISH' }));
    const badPhase = await w.waitForCondition('SharedPolicyGroup', 'bad-phase', 'Accepted', 'False', { reason: 'InvalidSpec' });
    expect(conditionOf(badPhase, 'Accepted')?.message).toContain('spec.phase: PUBLISH is not a phase of PROXY APIs');
    await w.apply(spg('bad-step', { steps: [{ name: 'no policy', enabled: true }] }));
    const badStep = await w.waitForCondition('SharedPolicyGroup', 'bad-step', 'Accepted', 'False', { reason: 'InvalidSpec' });
    expect(conditionOf(badStep, 'Accepted')?.message).toContain('spec.steps[0].policy');
    expect(remote('bad-phase')).toBeUndefined();
    expect(remote('bad-step')).toBeUndefined();
  });

  it('lets an API wait for it, run it by crossId, and keeps it while the API uses it', async () => {
    const api = apiV4('spg-user', 'ctx', {
      flows: [{ name: 'shared', enabled: true, selectors: [{ type: 'HTTP', path: '/', pathOperator: 'STARTS_WITH' }], request: [{ sharedPolicyGroupRef: { name: 'used' } }] }],
    });
    await w.apply(api);
    await w.waitForCondition('ApiV4Definition', 'spg-user', 'ResolvedRefs', 'False');
    await w.apply(spg('used'));
    const group = await w.waitForCondition('SharedPolicyGroup', 'used', 'Accepted', 'True');
    await w.waitForCondition('ApiV4Definition', 'spg-user', 'Accepted', 'True');
    const step = ((w.apim.state.api('acme', 'dev', w.hrid('spg-user'))?.flows as Json[])[0]!.request as Json[])[0]!;
    expect(step).toMatchObject({ policy: 'shared-policy-group-policy', configuration: { sharedPolicyGroupId: group.status?.crossId, hrid: w.hrid('used') } });

    await w.remove('SharedPolicyGroup', 'used');
    const blocked = await w.waitForCondition('SharedPolicyGroup', 'used', 'Ready', 'False', { reason: 'DeletionBlocked', generation: false });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`ApiV4Definition ${w.ns}/spg-user`);
    expect(remote('used')).toBeDefined();
    await w.remove('ApiV4Definition', 'spg-user');
    await w.waitForGone('SharedPolicyGroup', 'used');
    expect(remote('used')).toBeUndefined();
  });

  it("applies GKO's example unchanged (and its API using it) through a dev-ctx context", async () => {
    await w.apply(gkoDevContext(w.apim.url));
    const example = gkoExample('apim/shared_policy_groups/shared_policy_groups.yml');
    await w.apply(example);
    const name = example.metadata.name;
    const obj = await w.waitForCondition('SharedPolicyGroup', name, 'Accepted', 'True');
    const stored = await waitFor('stored in DEFAULT', () => remote(name, 'DEFAULT', 'DEFAULT'));
    expect(stored).toMatchObject({ name: 'simple-shared-policy-groups', apiType: 'PROXY', phase: 'REQUEST', steps: [expect.objectContaining({ policy: 'rate-limit' })] });
    expect(obj.status?.crossId).toBe(stored.crossId);
    const api = gkoExample('apim/api_definition/v4/api-v4-with-shared-policy-group.yml');
    await w.apply(api);
    await w.waitForCondition('ApiV4Definition', api.metadata.name, 'Accepted', 'True');
  });
});
