import { describe, expect, it } from 'vitest';
import { apiV4, gravitee, portal, useGraviteeWorld, writesOfOneResync, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

type Json = Record<string, unknown>;

let w: GraviteeWorld;
useGraviteeWorld(async (world) => {
  w = world;
  await w.apply(portal('portal'));
  await w.apply(apiV4('api', 'ctx'));
  await w.waitForCondition('Portal', 'portal', 'Accepted', 'True');
  await w.waitForCondition('ApiV4Definition', 'api', 'Accepted', 'True');
});

const page = (name: string, parent: Json, extra: Json = {}, meta: Json = {}) =>
  gravitee('Documentation', name, { name: 'Getting started', type: 'GRAVITEE_MARKDOWN', content: '# Getting started', location: '/guides', order: 1, ...parent, ...extra }, meta);
const onPortal = (name = 'portal') => ({ portalRef: { name } });
const onApi = (name = 'api') => ({ apiRef: { name } });
const portalPage = (name: string, portalName = 'portal') => w.apim.state.object('acme', 'dev', 'portal-documentations', w.hrid(name), w.hrid(portalName));
const apiPage = (name: string, apiName = 'api') => w.apim.state.object('acme', 'dev', 'api-documentations', w.hrid(name), w.hrid(apiName));

describe.each([
  { where: 'on a Portal', parent: onPortal(), collection: 'portal-documentations', parentName: 'portal' },
  { where: 'on an API', parent: onApi(), collection: 'api-documentations', parentName: 'api' },
])('Documentation lifecycle $where', ({ parent, collection, parentName }) => {
  itFollowsTheGraviteeLifecycle(
    {
      kind: 'Documentation',
      world: () => w,
      make: (name, extra, meta) => page(name, parent, extra, meta),
      remote: (name) => w.apim.state.object('acme', 'dev', collection, w.hrid(name), w.hrid(parentName)),
      change: { field: 'content', value: '# Changed' },
      editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', collection, w.hrid(name), { content: 'edited in the console' }, w.hrid(parentName)),
      deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', collection, w.hrid(name), w.hrid(parentName)),
      status: (_obj, r) => ({ id: r.id, organizationId: 'acme', environmentId: 'dev', errors: { severe: [], warning: [] } }),
    },
    `page-${parentName}-life`,
  );
});

describe('Documentation', () => {
  it('needs exactly one of portalRef and apiRef: the CRD says so (the schema too, for clusters without CEL)', async () => {
    for (const parents of [{}, { ...onPortal(), ...onApi() }]) {
      await expect(w.apply(page('parents', parents))).rejects.toMatchObject({ code: 422, body: expect.stringContaining('exactly one of portalRef or apiRef must be set') });
    }
  });

  it("refuses an API's page as the homepage, naming spec.area", async () => {
    await w.apply(page('api-home', onApi(), { area: 'HOMEPAGE', location: undefined }));
    const obj = await w.waitForCondition('Documentation', 'api-home', 'Accepted', 'False');
    expect(conditionOf(obj, 'Accepted')?.message).toBe("spec.area: HOMEPAGE is for a portal's pages only (an API's pages are in its top navbar)");
    expect(apiPage('api-home')).toBeUndefined();
  });

  it("makes a portal's homepage, and a resync writes nothing though APIM does not answer the area", async () => {
    const { location: _l, order: _o, ...spec } = page('home', onPortal(), { area: 'HOMEPAGE' }).spec;
    await w.apply({ ...page('home', onPortal()), spec });
    const obj = await w.waitForCondition('Documentation', 'home', 'Accepted', 'True');
    expect(portalPage('home')).toMatchObject({ area: 'HOMEPAGE', name: 'Getting started' });
    expect(await writesOfOneResync(w, obj, 'homepage')).toBe(0);
  });

  it('waits for its API to be synced, then syncs', async () => {
    await w.apply(page('early', onApi('late-api')));
    const waiting = await w.waitForCondition('Documentation', 'early', 'ResolvedRefs', 'False');
    expect(conditionOf(waiting, 'ResolvedRefs')?.message).toContain(`spec.apiRef: ApiV4Definition ${w.ns}/late-api not found`);
    await w.apply(apiV4('late-api', 'ctx'));
    await w.waitForCondition('Documentation', 'early', 'Accepted', 'True');
    expect(apiPage('early', 'late-api')).toMatchObject({ content: '# Getting started', location: '/guides' });
  });

  it('refuses a parent without a ManagementContext, naming the reference', async () => {
    const { contextRef: _c, ...spec } = portal('contextless').spec;
    await w.apply({ ...portal('contextless'), spec });
    await w.apply(page('on-contextless', onPortal('contextless')));
    const obj = await w.waitForCondition('Documentation', 'on-contextless', 'Accepted', 'False');
    expect(conditionOf(obj, 'Accepted')?.message).toBe(`spec.portalRef: Portal ${w.ns}/contextless has no ManagementContext (spec.contextRef), so nothing can be published under it`);
  });

  it('moves from a portal to an API when its parent changes (GKO refuses the change)', async () => {
    await w.apply(page('mover', onPortal()));
    await w.waitForCondition('Documentation', 'mover', 'Accepted', 'True');
    expect(portalPage('mover')).toBeDefined();
    await w.apply(page('mover', { portalRef: null, ...onApi() }));
    await waitFor('on the API', () => apiPage('mover'));
    await w.waitForCondition('Documentation', 'mover', 'Ready', 'True');
    expect(portalPage('mover')).toBeUndefined();
  });

  it('keeps an API from being deleted while one of its pages exists', async () => {
    await w.apply(apiV4('documented', 'ctx'));
    await w.waitForCondition('ApiV4Definition', 'documented', 'Accepted', 'True');
    await w.apply(page('keeps-api', onApi('documented')));
    await w.waitForCondition('Documentation', 'keeps-api', 'Accepted', 'True');
    await w.remove('ApiV4Definition', 'documented');
    const blocked = await w.waitForCondition('ApiV4Definition', 'documented', 'Ready', 'False', { reason: 'DeletionBlocked' });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`Documentation ${w.ns}/keeps-api`);
    await w.remove('Documentation', 'keeps-api');
    await w.waitForGone('ApiV4Definition', 'documented');
    expect(apiPage('keeps-api', 'documented')).toBeUndefined();
  });
});
