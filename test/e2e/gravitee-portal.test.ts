import { describe, expect, it } from 'vitest';
import { ADMIN, apiV4, gravitee, managementContext, portal as portalOf, useGraviteeWorld, writesOfOneResync, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { conditionOf } from '../support/world-objects.ts';

type Json = Record<string, unknown>;

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

/** A Portal with a top navbar (its structure), named as a developer portal. */
const portal = (name: string, extra: Json = {}, meta: Json = {}) =>
  portalOf(name, { name: 'Developer portal', structure: { topNavbar: [{ path: '/apis', displayName: 'APIs' }] }, ...extra }, meta);
const remote = (name: string) => w.apim.state.object('acme', 'dev', 'portals', w.hrid(name));

describe('Portal lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: 'Portal',
    world: () => w,
    make: portal,
    remote,
    change: { field: 'name', value: 'Renamed portal' },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', 'portals', w.hrid(name), { name: 'edited in the console' }),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', 'portals', w.hrid(name)),
    // Exactly the CRD's status fields: no processingStatus, no crossId.
    status: (obj, r) => {
      expect(obj.status).not.toHaveProperty('processingStatus');
      return { id: r.id, organizationId: 'acme', environmentId: 'dev', errors: { severe: [], warning: [] } };
    },
  });
});

describe('Portal', () => {
  it('refuses a portal without a contextRef, naming the field, and lets it go', async () => {
    const { contextRef: _c, ...spec } = portal('no-context').spec;
    await w.apply({ ...portal('no-context'), spec });
    const obj = await w.waitForCondition('Portal', 'no-context', 'Accepted', 'False');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', reason: 'InvalidSpec', message: expect.stringContaining('spec.contextRef: Required') }));
    await w.remove('Portal', 'no-context');
    await w.waitForGone('Portal', 'no-context');
  });

  it('refuses navigation and structure together, naming spec.navigation', async () => {
    await w.apply(portal('both-navigations', { navigation: [{ path: '/old' }] }));
    const obj = await w.waitForCondition('Portal', 'both-navigations', 'Accepted', 'False');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Accepted', message: expect.stringMatching(/^spec\.navigation: navigation and structure cannot be used at the same time/) }));
    expect(remote('both-navigations')).toBeUndefined();
  });

  it('syncs the deprecated navigation (APIM answers it as the top navbar) and then writes nothing on a resync', async () => {
    const { structure: _s, ...spec } = portal('old-navigation', { navigation: [{ path: '/alpha', displayName: 'Alpha', order: 1 }, { path: '/alpha/docs' }] }).spec;
    await w.apply({ ...portal('old-navigation'), spec });
    const obj = await w.waitForCondition('Portal', 'old-navigation', 'Accepted', 'True');
    expect(remote('old-navigation')?.structure).toEqual({ topNavbar: [{ path: '/alpha', displayName: 'Alpha' }, { path: '/alpha/docs' }] });
    expect(await writesOfOneResync(w, obj, 'navigation')).toBe(0);
  });

  it('waits while a listing, a link or a page uses it, then goes once they are gone', async () => {
    await w.apply(apiV4('listed-api', 'ctx'));
    await w.apply(portal('used'));
    await w.waitForCondition('Portal', 'used', 'Accepted', 'True');
    await w.waitForCondition('ApiV4Definition', 'listed-api', 'Accepted', 'True');
    const users = [
      gravitee('PortalListing', 'used-listing', { portalRef: { name: 'used' }, apis: [{ ref: { name: 'listed-api' }, location: '/apis' }] }),
      gravitee('PortalLink', 'used-link', { portalRef: { name: 'used' }, name: 'Docs', href: 'https://docs.example.com' }),
      gravitee('Documentation', 'used-page', { portalRef: { name: 'used' }, name: 'Home', type: 'GRAVITEE_MARKDOWN', content: '# Home', area: 'HOMEPAGE' }),
    ];
    for (const u of users) await w.apply(u);
    for (const u of users) await w.waitForCondition(u.kind, u.metadata.name, 'Accepted', 'True');

    await w.remove('Portal', 'used');
    const blocked = await w.waitForCondition('Portal', 'used', 'Ready', 'False', { reason: 'DeletionBlocked' });
    const message = conditionOf(blocked, 'Ready')?.message;
    for (const u of users) expect(message).toContain(`${u.kind} ${w.ns}/${u.metadata.name}`);
    expect(remote('used')).toBeDefined();

    for (const u of users) await w.remove(u.kind, u.metadata.name);
    await w.waitForGone('Portal', 'used');
    expect(remote('used')).toBeUndefined();
    expect(w.apim.state.objects('acme', 'dev', 'portal-listings')).toEqual([]);
    expect(w.apim.state.objects('acme', 'dev', 'portal-links')).toEqual([]);
    expect(w.apim.state.objects('acme', 'dev', 'portal-documentations')).toEqual([]);
  });

  it('is released at deletion when its ManagementContext is gone (APIM is out of reach, as GKO)', async () => {
    await w.apply(managementContext('short-lived', w.apim.url, { credentials: ADMIN }));
    await w.apply(portal('stranded', { contextRef: { name: 'short-lived' } }));
    await w.waitForCondition('Portal', 'stranded', 'Accepted', 'True');
    // The context goes while the Portal still uses it: orphaned, its deletion does not wait for its users.
    const mctx = managementContext('short-lived', w.apim.url, { credentials: ADMIN });
    await w.apply({ ...mctx, metadata: { ...mctx.metadata, annotations: { 'apim-sync.io/deletion-policy': 'orphan' } } });
    await w.remove('ManagementContext', 'short-lived');
    await w.waitForGone('ManagementContext', 'short-lived');
    await w.remove('Portal', 'stranded');
    await w.waitForGone('Portal', 'stranded');
    expect(remote('stranded')).toBeDefined();
  });
});
