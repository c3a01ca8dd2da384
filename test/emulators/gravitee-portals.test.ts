import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraviteeEmulator, type GraviteeEmulator } from '../../emulators/gravitee/index.ts';
import { nameUuid } from '../../emulators/gravitee/ids.ts';
import { AUTOMATION, apiSpec, call } from './gravitee-helpers.ts';

/** The next-gen portal's collections: portals, listings, links and pages, as APIM imports them. */
let emu: GraviteeEmulator;
beforeAll(async () => {
  emu = await startGraviteeEmulator();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const PORTALS = `${AUTOMATION}/portals`;
const portal = (hrid = 'default-portal', extra: Record<string, unknown> = {}) => ({ hrid, name: 'Developer portal', ...extra });
const listing = (hrid: string, apiHrid: string, location = '/apis') => ({ hrid, apis: [{ apiHrid, location, order: 1 }] });
const object = (collection: string, hrid: string, parent?: string) => emu.state.object('DEFAULT', 'DEFAULT', collection, hrid, parent);

describe('portals', () => {
  afterEach(() => expect(emu.violations).toEqual([]));

  it('upserts by HRID with the ids APIM derives, and answers structure and navigation alike', async () => {
    const r = await call(emu, 'PUT', PORTALS, { body: portal('default-portal', { structure: { topNavbar: [{ path: '/guides', displayName: 'Guides' }, { path: '/apis' }] } }) });
    expect(r.status).toBe(200);
    const crossId = nameUuid('DEFAULT', 'default-portal');
    expect(r.body).toMatchObject({ hrid: 'default-portal', id: nameUuid(crossId, 'DEFAULT'), organizationId: 'DEFAULT', environmentId: 'DEFAULT' });
    const topNavbar = [{ path: '/guides', displayName: 'Guides' }, { path: '/apis' }];
    expect(r.body.structure).toEqual({ topNavbar });
    expect(r.body.navigation).toEqual(topNavbar);
    const again = await call(emu, 'PUT', PORTALS, { body: portal('default-portal', { name: 'Renamed' }) });
    expect(again.body.id).toBe(r.body.id);
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'portals')).toHaveLength(1);
    expect((await call(emu, 'GET', `${PORTALS}/default-portal`)).body).toMatchObject({ name: 'Renamed' });
  });

  it('maps the deprecated navigation to the top navbar and keeps no order of its own', async () => {
    const r = await call(emu, 'PUT', PORTALS, { body: portal('portal-p', { navigation: [{ path: '/a', displayName: 'A' }, { path: '/a/b' }] }) });
    expect(r.body.structure).toEqual({ topNavbar: [{ path: '/a', displayName: 'A' }, { path: '/a/b' }] });
  });

  it('refuses navigation and structure together, and malformed paths, naming them', async () => {
    const both = await call(emu, 'PUT', PORTALS, { body: portal('portal-p', { navigation: [{ path: '/a' }], structure: { topNavbar: [{ path: '/b' }] } }) });
    expect(both.status).toBe(400);
    expect(both.body).toMatchObject({ technicalCode: 'invalid', message: 'navigation and structure cannot be set at the same time' });
    const bad = await call(emu, 'PUT', PORTALS, { body: portal('portal-p', { structure: { topNavbar: [{ path: 'docs' }, { path: '/x//y/' }] } }) });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe(
      "navigation[0].path must start with '/' (was: docs), navigation[1].path must not contain consecutive '/' (was: /x//y/), navigation[1].path must not end with '/' (was: /x//y/)",
    );
    const dry = await call(emu, 'PUT', `${PORTALS}?dryRun=true`, { body: portal('portal-p', { structure: { topNavbar: [{ path: 'docs' }] } }) });
    expect(dry.status).toBe(200);
    expect(dry.body.errors.severe).toEqual(["navigation[0].path must start with '/' (was: docs)"]);
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'portals')).toEqual([]);
  });

  it('deletes, then answers 404 hrid.notFound', async () => {
    await call(emu, 'PUT', PORTALS, { body: portal() });
    expect((await call(emu, 'DELETE', `${PORTALS}/default-portal`)).status).toBe(204);
    const again = await call(emu, 'DELETE', `${PORTALS}/default-portal`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ technicalCode: 'hrid.notFound', parameters: { hrid: 'default-portal' } });
  });
});

describe('portal listings', () => {
  afterEach(() => expect(emu.violations).toEqual([]));

  it('publishes existing APIs under a portal, addressed by the portal and its own HRID', async () => {
    await call(emu, 'PUT', PORTALS, { body: portal() });
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-pets', '/pets') });
    const r = await call(emu, 'PUT', `${PORTALS}/default-portal/listings`, { body: listing('default-pets-listing', 'default-pets') });
    expect(r.status).toBe(200);
    const portalCrossId = nameUuid('DEFAULT', 'default-portal');
    expect(r.body).toMatchObject({ id: nameUuid(portalCrossId, 'DEFAULT', 'default-pets-listing'), portalHrid: 'default-portal', apis: [{ apiHrid: 'default-pets', location: '/apis', order: 1 }] });
    expect((await call(emu, 'GET', `${PORTALS}/default-portal/listings/default-pets-listing`)).body).toMatchObject({ hrid: 'default-pets-listing', portalHrid: 'default-portal' });
    expect(object('portal-listings', 'default-pets-listing', 'default-portal')).toBeDefined();
    expect((await call(emu, 'DELETE', `${PORTALS}/default-portal/listings/default-pets-listing`)).status).toBe(204);
    expect(object('portal-listings', 'default-pets-listing')).toBeUndefined();
  });

  it('refuses an API the environment does not have, and a malformed location, naming the entry', async () => {
    await call(emu, 'PUT', PORTALS, { body: portal() });
    const r = await call(emu, 'PUT', `${PORTALS}/default-portal/listings`, { body: listing('listing-l', 'default-missing', 'apis/') });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      technicalCode: 'invalid',
      message: "apis[0].location must start with '/' (was: apis/), apis[0].location must not end with '/' (was: apis/), apis[0]: API [default-missing] not found",
    });
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'portal-listings')).toEqual([]);
  });

  it('takes a listing before its portal (APIM does not check it) and answers 404 for the listing it never took', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-pets', '/pets') });
    expect((await call(emu, 'PUT', `${PORTALS}/later/listings`, { body: listing('early', 'default-pets') })).status).toBe(200);
    const missing = await call(emu, 'GET', `${PORTALS}/later/listings/never`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ technicalCode: 'hrid.notFound', parameters: { hrid: 'never' } });
  });

  it('keeps listings of the same HRID under two portals apart', async () => {
    await call(emu, 'PUT', `${AUTOMATION}/apis`, { body: apiSpec('default-pets', '/pets') });
    for (const p of ['one', 'two']) {
      await call(emu, 'PUT', PORTALS, { body: portal(p) });
      await call(emu, 'PUT', `${PORTALS}/${p}/listings`, { body: listing('same', 'default-pets', `/${p}`) });
    }
    expect(emu.state.objects('DEFAULT', 'DEFAULT', 'portal-listings')).toHaveLength(2);
    expect(object('portal-listings', 'same', 'two')?.apis).toEqual([{ apiHrid: 'default-pets', location: '/two', order: 1 }]);
  });
});

describe('portal links', () => {
  afterEach(() => expect(emu.violations).toEqual([]));

  it('attaches a link to its portal, name and href trimmed', async () => {
    await call(emu, 'PUT', PORTALS, { body: portal() });
    const r = await call(emu, 'PUT', `${PORTALS}/default-portal/links`, { body: { hrid: 'docs', name: ' Docs ', href: ' https://docs.example.com ', location: '/guides', order: 2 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Docs', href: 'https://docs.example.com', location: '/guides', order: 2, portalHrid: 'default-portal' });
  });

  it('refuses a link without its portal, with a relative href or a malformed location', async () => {
    const orphan = await call(emu, 'PUT', `${PORTALS}/nowhere/links`, { body: { hrid: 'docs', name: 'Docs', href: 'https://docs.example.com' } });
    expect(orphan.status).toBe(400);
    expect(orphan.body.message).toBe('no portal exists in this environment to attach the link to');
    await call(emu, 'PUT', PORTALS, { body: portal() });
    const bad = await call(emu, 'PUT', `${PORTALS}/default-portal/links`, { body: { hrid: 'docs', name: 'Docs', href: '/relative', location: '/a/../b' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toBe("href must be a well-formed absolute URL: /relative, location must not contain '..' (was: /a/../b)");
  });
});

describe('documentation pages', () => {
  afterEach(() => expect(emu.violations).toEqual([]));
  const page = (hrid: string, extra: Record<string, unknown> = {}) => ({ hrid, name: 'Getting started', type: 'GRAVITEE_MARKDOWN', content: '# Hello', ...extra });

  it('places a portal page where its area says, and answers it without the area, as APIM does', async () => {
    await call(emu, 'PUT', PORTALS, { body: portal() });
    const r = await call(emu, 'PUT', `${PORTALS}/default-portal/documentations`, { body: page('home', { area: 'HOMEPAGE' }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ hrid: 'home', name: 'Getting started', content: '# Hello', portalHrid: 'default-portal' });
    expect(r.body).not.toHaveProperty('area');
    expect((await call(emu, 'GET', `${PORTALS}/default-portal/documentations/home`)).body).not.toHaveProperty('area');
    expect(object('portal-documentations', 'home', 'default-portal')?.area).toBe('HOMEPAGE');
  });

  it('refuses a portal page without its portal', async () => {
    const r = await call(emu, 'PUT', `${PORTALS}/nowhere/documentations`, { body: page('page-p') });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('the portal to attach the documentation to does not exist in this environment');
  });

  it('takes an API page before its API, in the top navbar only (refused even in a dry run)', async () => {
    const r = await call(emu, 'PUT', `${AUTOMATION}/apis/default-later/documentations`, { body: page('api-page', { location: '/docs' }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ apiHrid: 'default-later', location: '/docs' });
    const home = await call(emu, 'PUT', `${AUTOMATION}/apis/default-later/documentations?dryRun=true`, { body: page('api-home', { area: 'HOMEPAGE' }) });
    expect(home.status).toBe(400);
    expect(home.body.message).toBe('API documentation must be under TOP_NAVBAR area');
    expect((await call(emu, 'DELETE', `${AUTOMATION}/apis/default-later/documentations/api-page`)).status).toBe(204);
    expect((await call(emu, 'GET', `${AUTOMATION}/apis/default-later/documentations/api-page`)).status).toBe(404);
  });
});

describe('the published contract', () => {
  it('refuses a page type outside the spec and records the violation', async () => {
    await call(emu, 'PUT', PORTALS, { body: portal() });
    const r = await call(emu, 'PUT', `${PORTALS}/default-portal/documentations`, { body: { hrid: 'page-p', name: 'P', type: 'MARKDOWN', content: 'x' } });
    expect(r.status).toBe(400);
    expect(emu.violations).toHaveLength(1);
    expect(emu.violations[0]!.problems.join()).toContain('type');
  });

  it('refuses a listing without apis and records the violation', async () => {
    const r = await call(emu, 'PUT', `${PORTALS}/default-portal/listings`, { body: { hrid: 'listing-l' } });
    expect(r.status).toBe(400);
    expect(emu.violations[0]!.problems.join()).toContain("must have required property 'apis'");
  });
});
