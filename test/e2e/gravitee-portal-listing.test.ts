import { describe, expect, it } from 'vitest';
import { PLACEMENT } from '../../vendors/gravitee/portal/placement.ts';
import { ADMIN, apiV4, gravitee, managementContext, portal, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

type Json = Record<string, unknown>;

let w: GraviteeWorld;
useGraviteeWorld(async (world) => {
  w = world;
  await w.apply(managementContext('other-ctx', w.apim.url, { credentials: ADMIN }, { environmentId: 'staging' }));
  await w.apply(portal('portal'));
  await w.apply(apiV4('api-a', 'ctx'));
  await w.apply(apiV4('api-b', 'ctx'));
  for (const [kind, name] of [['Portal', 'portal'], ['ApiV4Definition', 'api-a'], ['ApiV4Definition', 'api-b']]) await w.waitForCondition(kind!, name!, 'Accepted', 'True');
});

const entry = (api: string, location = '/apis', order?: number) => ({ ref: { name: api }, location, ...(order !== undefined ? { order } : {}) });
const listing = (name: string, extra: Json = {}, meta: Json = {}) =>
  gravitee('PortalListing', name, { portalRef: { name: 'portal' }, apis: [entry('api-a', '/apis', 1)], ...extra }, meta);
const remote = (name: string, portalName = 'portal') => w.apim.state.object('acme', 'dev', 'portal-listings', w.hrid(name), w.hrid(portalName));

describe('PortalListing lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: 'PortalListing',
    world: () => w,
    make: listing,
    remote: (name) => remote(name),
    // APIM shows each API by its hrid: read back as the spec writes it.
    change: {
      field: 'apis',
      value: [entry('api-a', '/apis/a', 2), entry('api-b', '/apis/b')],
      seen: (r) => (r.apis as Json[]).map((a) => entry(String(a.apiHrid).slice(w.ns.length + 1), String(a.location), a.order as number | undefined)),
    },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', 'portal-listings', w.hrid(name), { apis: [{ apiHrid: w.hrid('api-b'), location: '/edited' }] }, w.hrid('portal')),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', 'portal-listings', w.hrid(name), w.hrid('portal')),
    status: (_obj, r) => ({ id: r.id, organizationId: 'acme', environmentId: 'dev', errors: { severe: [], warning: [] } }),
  });
});

describe('PortalListing', () => {
  it('waits for its Portal and its API, then syncs', async () => {
    await w.apply(listing('early', { portalRef: { name: 'late-portal' }, apis: [entry('late-api')] }));
    const waiting = await w.waitForCondition('PortalListing', 'early', 'ResolvedRefs', 'False');
    expect(conditionOf(waiting, 'Accepted')?.message).toContain(`spec.portalRef: Portal ${w.ns}/late-portal not found`);
    await w.apply(portal('late-portal'));
    await waitFor('waiting for the API', async () => conditionOf(await w.get('PortalListing', 'early'), 'Accepted')?.message.includes(`spec.apis[0].ref: ApiV4Definition ${w.ns}/late-api not found`));
    await w.apply(apiV4('late-api', 'ctx'));
    const obj = await w.waitForCondition('PortalListing', 'early', 'Accepted', 'True');
    expect(remote('early', 'late-portal')).toMatchObject({ id: obj.status?.id, apis: [{ apiHrid: w.hrid('late-api'), location: '/apis' }] });
  });

  it('refuses an API of another context than the portal, naming the entry', async () => {
    await w.apply(apiV4('staging-api', 'other-ctx'));
    await w.waitForCondition('ApiV4Definition', 'staging-api', 'Accepted', 'True');
    await w.apply(listing('cross-context', { apis: [entry('api-a'), entry('staging-api')] }));
    const obj = await w.waitForCondition('PortalListing', 'cross-context', 'Accepted', 'False');
    expect(conditionOf(obj, 'Accepted')?.message).toMatch(new RegExp(`^spec\\.apis\\[1\\]\\.ref: ApiV4Definition ${w.ns}/staging-api syncs through ManagementContext ${w.ns}/other-ctx`));
    expect(remote('cross-context')).toBeUndefined();
  });

  it('refuses a v2 API (the next-gen portal lists v4 APIs only), naming the field', async () => {
    await w.apply(listing('v2-api', { apis: [{ ref: { name: 'api-a', kind: 'ApiDefinition' }, location: '/apis' }] }));
    const obj = await w.waitForCondition('PortalListing', 'v2-api', 'Accepted', 'False');
    expect(conditionOf(obj, 'Accepted')?.message).toBe('spec.apis[0].ref.kind: must be ApiV4Definition (the next-gen portal takes v4 APIs only)');
  });

  it('moves to another portal when its portalRef changes (GKO refuses the change)', async () => {
    await w.apply(portal('second-portal'));
    await w.waitForCondition('Portal', 'second-portal', 'Accepted', 'True');
    await w.apply(listing('mover'));
    await w.waitForCondition('PortalListing', 'mover', 'Accepted', 'True');
    expect(remote('mover')).toBeDefined();
    await w.apply(listing('mover', { portalRef: { name: 'second-portal' } }));
    await waitFor('listed under the second portal', () => remote('mover', 'second-portal'));
    await w.waitForCondition('PortalListing', 'mover', 'Ready', 'True');
    expect(remote('mover')).toBeUndefined();
    expect(JSON.parse((await w.get('PortalListing', 'mover'))!.metadata.annotations![PLACEMENT]!)).toEqual({ context: `${w.ns}/ctx`, collection: `portals/${w.hrid('second-portal')}/listings` });
  });

  it('keeps an API from being deleted while it is listed', async () => {
    await w.apply(apiV4('listed', 'ctx'));
    await w.waitForCondition('ApiV4Definition', 'listed', 'Accepted', 'True');
    await w.apply(listing('keeps-api', { apis: [entry('listed')] }));
    await w.waitForCondition('PortalListing', 'keeps-api', 'Accepted', 'True');
    await w.remove('ApiV4Definition', 'listed');
    const blocked = await w.waitForCondition('ApiV4Definition', 'listed', 'Ready', 'False', { reason: 'DeletionBlocked' });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`PortalListing ${w.ns}/keeps-api`);
    await w.remove('PortalListing', 'keeps-api');
    await w.waitForGone('ApiV4Definition', 'listed');
    expect(w.apim.state.api('acme', 'dev', w.hrid('listed'))).toBeUndefined();
  });

  it('is released at deletion when its Portal is gone, and still removes what it wrote while APIM is reachable', async () => {
    await w.apply(portal('kept-portal'));
    await w.waitForCondition('Portal', 'kept-portal', 'Accepted', 'True');
    await w.apply(listing('stranded', { portalRef: { name: 'kept-portal' } }));
    await w.waitForCondition('PortalListing', 'stranded', 'Accepted', 'True');
    // The Portal goes first, orphaned: APIM keeps it, and the listing under it.
    await w.apply(portal('kept-portal', {}, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.remove('Portal', 'kept-portal');
    await w.waitForGone('Portal', 'kept-portal');
    expect(remote('stranded', 'kept-portal')).toBeDefined();
    await w.remove('PortalListing', 'stranded');
    await w.waitForGone('PortalListing', 'stranded');
    expect(remote('stranded', 'kept-portal')).toBeUndefined();
  });
});
