/**
 * Automation API: the next-gen developer portal (`portals`) and the listings and links under it
 * (`portals/{portalHrid}/listings`, `portals/{portalHrid}/links`), with the checks APIM makes on import (its
 * CreateOrUpdatePortal, PortalListing and PortalLink use cases and their validators).
 */
import { collectionHandlers, type ParentOf } from './automation-collection.ts';
import { ApimError } from './errors.ts';
import { objectsOf, type Handler, type RequestContext } from './handler.ts';
import { topLevelIds } from './ids.ts';
import type { Json } from './store.ts';

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** APIM's NavigationPathValidator: the format of a navigation path, in its words, the field named as APIM names it. */
export function navigationPathErrors(path: unknown, field: string): string[] {
  const p = text(path);
  if (!p || !p.trim()) return [`${field} must not be empty`];
  const errors: string[] = [];
  if (!p.startsWith('/')) errors.push(`${field} must start with '/' (was: ${p})`);
  if (p.includes('//')) errors.push(`${field} must not contain consecutive '/' (was: ${p})`);
  if (p.includes('..')) errors.push(`${field} must not contain '..' (was: ${p})`);
  if (p.length > 1 && p.endsWith('/')) errors.push(`${field} must not end with '/' (was: ${p})`);
  return errors;
}

/**
 * What hangs under a portal (listings, links, pages) is imported whether or not APIM holds the portal yet: the
 * kind's validation decides what a missing portal means.
 */
export const UNDER_PORTAL: ParentOf = { param: 'portalHrid', collection: 'portals', mayBeAbsent: true };

/** APIM refuses with a `ValidationDomainException` carrying the severe messages joined, not the API import's wording. */
export const refusedWith = (severe: string[]): ApimError => new ApimError(400, severe.join(', '), 'invalid');

/**
 * The top navbar APIM keeps: `structure.topNavbar`, else the deprecated `navigation` (the spec: "mapped to
 * `structure.topNavbar` for backward compatibility"), in list order, entries without a path dropped, each as
 * `{path, displayName}` (PortalMapper).
 */
function topNavbarOf(spec: Json): Json[] {
  const structure = (spec.structure ?? undefined) as Json | undefined;
  const entries = structure ? objectsOf(structure.topNavbar) : objectsOf(spec.navigation);
  return entries
    .filter((e) => text(e?.path)?.trim())
    .map((e) => ({ path: e.path, ...(typeof e.displayName === 'string' ? { displayName: e.displayName } : {}) }));
}

function validatePortal(_ctx: RequestContext, spec: Json) {
  const severe: string[] = [];
  // The spec: "`navigation` and `structure` cannot be set at the same time".
  if (spec.structure != null && objectsOf(spec.navigation).length > 0) severe.push('navigation and structure cannot be set at the same time');
  topNavbarOf(spec).forEach((e, i) => severe.push(...navigationPathErrors(e.path, `navigation[${i}].path`)));
  return { severe, warning: [] };
}

const portals = collectionHandlers({
  collection: 'portals',
  operations: { upsert: 'createOrUpdatePortal', get: 'getPortal', remove: 'deletePortal' },
  validate: validatePortal,
  refuse: refusedWith,
  // APIM answers both shapes from what it keeps: `structure.topNavbar` and `navigation` (the same list).
  extend: (_ctx, spec) => {
    const topNavbar = topNavbarOf(spec);
    return { structure: { topNavbar }, navigation: topNavbar };
  },
});

/** A listing's APIs must exist in the environment; its portal may come later (APIM: "allowed to arrive out of order"). */
function validateListing(ctx: RequestContext, spec: Json) {
  const severe = objectsOf(spec.apis).flatMap((entry, i) => {
    const apiHrid = String(entry?.apiHrid);
    const exists = ctx.data.apis.get(topLevelIds(ctx.org, ctx.env, apiHrid).id) !== undefined;
    return [...navigationPathErrors(entry?.location, `apis[${i}].location`), ...(exists ? [] : [`apis[${i}]: API [${apiHrid}] not found`])];
  });
  return { severe, warning: [] };
}

const listings = collectionHandlers({
  collection: 'portal-listings',
  operations: { upsert: 'createOrUpdatePortalListing', get: 'getPortalListing', remove: 'deletePortalListing' },
  parent: UNDER_PORTAL,
  validate: validateListing,
  refuse: refusedWith,
});

/** java.net.URI(url).toURL(): an absolute URL, no unencoded spaces. */
const isAbsoluteUrl = (url: string): boolean => !/\s/.test(url) && URL.canParse(url);

/** A link needs its portal, a name and an absolute href (APIM trims both); its location is a navigation path. */
function validateLink(_ctx: RequestContext, spec: Json, portal: Json | undefined) {
  const severe: string[] = [];
  const name = text(spec.name)?.trim();
  const href = text(spec.href)?.trim();
  if (!name) severe.push('name must not be blank');
  if (!href) severe.push('href must not be blank');
  else if (!isAbsoluteUrl(href)) severe.push(`href must be a well-formed absolute URL: ${href}`);
  if (spec.location != null) severe.push(...navigationPathErrors(spec.location, 'location'));
  if (!portal) severe.push('no portal exists in this environment to attach the link to');
  return { severe, warning: [] };
}

const links = collectionHandlers({
  collection: 'portal-links',
  operations: { upsert: 'createOrUpdatePortalLink', get: 'getPortalLink', remove: 'deletePortalLink' },
  parent: UNDER_PORTAL,
  validate: validateLink,
  refuse: refusedWith,
  extend: (_ctx, spec) => ({ name: text(spec.name)?.trim(), href: text(spec.href)?.trim() }),
});

export const automationPortals: Record<string, Handler> = { ...portals, ...listings, ...links };
