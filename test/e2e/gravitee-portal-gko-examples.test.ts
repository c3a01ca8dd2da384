import { describe, expect, it } from 'vitest';
import { gkoDevContext, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoExample } from '../support/gko-examples.ts';

type Json = Record<string, any>;

/** GKO's portal examples, applied unchanged with what they name: the `dev-ctx` context and GKO's v4 API example. */
const example = (path: string) => gkoExample(`apim/${path}`);

let w: GraviteeWorld;
useGraviteeWorld(async (world) => {
  w = world;
  await w.apply(gkoDevContext(w.apim.url));
  await w.apply(example('api_definition/v4/api-v4-with-context.yml'));
  await w.waitForCondition('ApiV4Definition', 'api-v4-with-context', 'Accepted', 'True');
});

const apim = (collection: string, name: string, parent?: string) => w.apim.state.object('DEFAULT', 'DEFAULT', collection, w.hrid(name), parent && w.hrid(parent));

describe("GKO's portal examples", () => {
  it('portal.yml: the deprecated navigation becomes the top navbar', async () => {
    await w.apply(example('portal/portal.yml'));
    await w.waitForCondition('Portal', 'default-portal', 'Accepted', 'True');
    expect(apim('portals', 'default-portal')).toMatchObject({ name: 'Default Portal', structure: { topNavbar: expect.arrayContaining([{ path: '/projects/alpha', displayName: 'Alpha' }]) } });
  });

  it('portal-structure.yml over it, as kubectl apply patches it (navigation removed)', async () => {
    const next = example('portal/portal-structure.yml');
    await w.apply({ ...next, spec: { ...next.spec, navigation: null } });
    const obj = await w.waitForCondition('Portal', 'default-portal', 'Accepted', 'True');
    expect(obj.metadata.generation).toBe(2);
    const portal = apim('portals', 'default-portal') as Json;
    expect(portal.structure.topNavbar).toHaveLength(5);
    expect(portal.navigation).toEqual(portal.structure.topNavbar);
  });

  it.each([
    ['portal/portal-listing.yml', 'PortalListing', 'default-portal-listing', 'portal-listings'],
    ['portal/portal-link.yml', 'PortalLink', 'default-portal-link', 'portal-links'],
    ['portal/documentation-portal.yml', 'Documentation', 'portal-getting-started', 'portal-documentations'],
    ['portal/documentation-portal-top-navbar.yml', 'Documentation', 'portal-top-navbar', 'portal-documentations'],
    ['portal/documentation-portal-homepage.yml', 'Documentation', 'portal-homepage', 'portal-documentations'],
  ])('%s is published in the portal', async (file, kind, name, collection) => {
    await w.apply(example(file));
    const obj = await w.waitForCondition(kind, name, 'Accepted', 'True');
    const remote = apim(collection, name, 'default-portal');
    expect(remote).toMatchObject({ id: obj.status?.id, portalHrid: w.hrid('default-portal') });
    if (kind === 'PortalListing') expect(remote?.apis).toEqual([{ apiHrid: w.hrid('api-v4-with-context'), location: '/projects/alpha', order: 1 }]);
  });

  it('documentation-api.yml is a page of the API', async () => {
    await w.apply(example('portal/documentation-api.yml'));
    const obj = await w.waitForCondition('Documentation', 'pets-api-getting-started', 'Accepted', 'True');
    expect(apim('api-documentations', 'pets-api-getting-started', 'api-v4-with-context')).toMatchObject({ id: obj.status?.id, name: 'Getting Started with Pets API', location: '/docs', order: 1 });
  });

  it('the homepage keeps its area; TOP_NAVBAR is written as given', () => {
    expect(apim('portal-documentations', 'portal-homepage', 'default-portal')?.area).toBe('HOMEPAGE');
    expect(apim('portal-documentations', 'portal-top-navbar', 'default-portal')?.area).toBe('TOP_NAVBAR');
  });
});
