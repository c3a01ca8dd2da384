import { describe, expect, it } from 'vitest';
import { apiV4, gkoDevContext, group as groupOf, useGraviteeWorld, writesOfOneResync, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoExample } from '../support/gko-examples.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { sendPointer } from '../support/send-message.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;
const COLLECTION = 'groups';

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

const remote = (name: string, org = 'acme', env = 'dev') => w.apim.state.object(org, env, COLLECTION, w.hrid(name));
/** A Group with one member of a stock APIM (api1, owner of APIs, user of applications). */
const group = (name: string, extra: Json = {}, meta: Json = {}) =>
  groupOf(name, { members: [{ source: 'memory', sourceId: 'api1', roles: { API: 'OWNER', APPLICATION: 'USER' } }], ...extra }, meta);

describe('Group lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: 'Group',
    world: () => w,
    make: group,
    remote: (name) => remote(name),
    change: { field: 'name', value: 'renamed by the e2e test' },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', COLLECTION, w.hrid(name), { name: 'edited in the console' }),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', COLLECTION, w.hrid(name)),
    status: (_obj, r) => ({ id: r.id, organizationId: 'acme', environmentId: 'dev', members: 1, processingStatus: 'Completed', errors: { severe: [], warning: [] } }),
  });
});

describe('Group particulars', () => {
  it('counts the members APIM keeps, reports the unknown ones, resyncs quietly and reverts a member removed in the console', async () => {
    const members = [
      { source: 'memory', sourceId: 'api1', roles: { API: 'OWNER' } },
      { source: 'memory', sourceId: 'application1' },
      { source: 'memory', sourceId: 'nobody' },
    ];
    await w.apply(group('team', { members }));
    const obj = await w.waitForCondition('Group', 'team', 'Accepted', 'True');
    expect(obj.status).toMatchObject({ members: 2, errors: { warning: ['member [nobody] of source [memory] could not be found in organization [acme]'] } });
    expect(remote('team')?.memberCount).toBe(2);
    expect(await writesOfOneResync(w, obj, 'group-e2e')).toBe(0);

    w.apim.state.patchObject('acme', 'dev', COLLECTION, w.hrid('team'), { members: [{ source: 'memory', sourceId: 'api1', roles: { API: 'OWNER', APPLICATION: 'USER', INTEGRATION: 'USER' } }], memberCount: 1 });
    await sendPointer(w.plane, (await w.get('Group', 'team'))!, { reason: 'resync', cause: 'console-member-removed' });
    await waitFor('member restored', () => (remote('team')?.members as Json[] | undefined)?.length === 2);
    const after = await waitFor('status counts two', async () => ((await w.get('Group', 'team'))?.status?.members === 2 ? true : undefined));
    expect(after).toBe(true);
  });

  it('lets an API name it by groupRefs: the API syncs without it first, then with its name once it exists', async () => {
    await w.apply(apiV4('grouped-api', 'ctx', { groupRefs: [{ name: 'late-group' }] }));
    const waiting = await w.waitForCondition('ApiV4Definition', 'grouped-api', 'ResolvedRefs', 'False', { reason: 'GroupNotFound' });
    expect(conditionOf(waiting, 'Accepted')?.status).toBe('True');
    await w.apply(group('late-group', { name: 'late developers' }));
    await w.waitForCondition('Group', 'late-group', 'Accepted', 'True');
    await w.waitForCondition('ApiV4Definition', 'grouped-api', 'ResolvedRefs', 'True');
    const api = w.apim.state.api('acme', 'dev', w.hrid('grouped-api'));
    expect(api?.groups).toContain('late developers');
    // APIM knows the group by name now: the import reports nothing about it.
    expect((api?.errors as { warning: string[] }).warning).toEqual([]);
  });

  it('answers bad input with a False condition naming the field, and writes nothing to APIM', async () => {
    // What the CRD lets through (it requires the field, not a value) and APIM could not look up.
    await w.apply(group('no-source-id', { members: [{ source: 'memory', sourceId: '' }] }));
    const noSourceId = await w.waitForCondition('Group', 'no-source-id', 'Accepted', 'False', { reason: 'InvalidSpec' });
    expect(conditionOf(noSourceId, 'Accepted')?.message).toContain('spec.members[0].sourceId');
    expect(noSourceId.status?.processingStatus).toBe('Failed');
    await w.apply(group('owner-member', { members: [{ source: 'memory', sourceId: 'api1', roles: { API: 'PRIMARY_OWNER' } }] }));
    const owner = await w.waitForCondition('Group', 'owner-member', 'Accepted', 'False', { reason: 'InvalidSpec' });
    expect(conditionOf(owner, 'Accepted')?.message).toContain('spec.members[0].roles.API: PRIMARY_OWNER cannot be given to a group member');
    await w.apply(group('no-context', { contextRef: { name: 'missing-ctx' } }));
    const noContext = await w.waitForCondition('Group', 'no-context', 'ResolvedRefs', 'False');
    expect(conditionOf(noContext, 'Accepted')?.message).toContain('missing-ctx');
    expect(remote('no-source-id')).toBeUndefined();
    expect(remote('owner-member')).toBeUndefined();
  });

  it("applies GKO's example unchanged through a dev-ctx context", async () => {
    await w.apply(gkoDevContext(w.apim.url));
    const example = gkoExample('apim/group/group.yml');
    await w.apply(example);
    const name = example.metadata.name;
    const obj = await w.waitForCondition('Group', name, 'Accepted', 'True');
    const stored = await waitFor('stored in DEFAULT', () => remote(name, 'DEFAULT', 'DEFAULT'));
    expect(stored).toMatchObject({ name: 'developers', notifyMembers: false, memberCount: 1 });
    expect(obj.status).toMatchObject({ id: stored.id, organizationId: 'DEFAULT', environmentId: 'DEFAULT', members: 1 });
  });
});
