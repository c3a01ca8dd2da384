/**
 * Automation API: documentation pages of the next-gen portal, on a portal (`portals/{portalHrid}/documentations`)
 * or on an API (`apis/{apiHrid}/documentations`), with the checks APIM makes on import (its CreateOrUpdatePortal- and
 * ApiDocumentation use cases and their validators).
 */
import { collectionHandlers } from './automation-collection.ts';
import { navigationPathErrors, refusedWith, UNDER_PORTAL } from './automation-portals.ts';
import { ApimError } from './errors.ts';
import type { Handler, RequestContext } from './handler.ts';
import type { Json } from './store.ts';

/** What both parents check: a name, a type and content, and a location that is a navigation path. */
function pageErrors(spec: Json): string[] {
  const severe: string[] = [];
  if (typeof spec.name !== 'string' || !spec.name.trim()) severe.push('name must not be blank');
  if (spec.type == null) severe.push('type must not be null');
  if (spec.content == null) severe.push('content must not be null');
  if (spec.location != null) severe.push(...navigationPathErrors(spec.location, 'location'));
  return severe;
}

/**
 * APIM keeps a page's area as where it places the page (HOMEPAGE replaces the portal's homepage) and does not read it
 * back: its DocumentationState has no `area`.
 */
const withoutArea = ({ area: _a, id: _i, ...state }: Json): Json => state;

const portalPages = collectionHandlers({
  collection: 'portal-documentations',
  operations: { upsert: 'createOrUpdatePortalDocumentation', get: 'getPortalDocumentation', remove: 'deletePortalDocumentation' },
  parent: UNDER_PORTAL,
  validate: (_ctx: RequestContext, spec: Json, portal: Json | undefined) => ({
    severe: [...pageErrors(spec), ...(portal ? [] : ['the portal to attach the documentation to does not exist in this environment'])],
    warning: [],
  }),
  refuse: refusedWith,
  answer: withoutArea,
});

/** An API's page may precede its API (APIM's orphan tolerance); it can only be in the top navbar. */
const apiPages = collectionHandlers({
  collection: 'api-documentations',
  operations: { upsert: 'createOrUpdateApiDocumentation', get: 'getApiDocumentation', remove: 'deleteApiDocumentation' },
  parent: { param: 'apiHrid', collection: 'apis', mayBeAbsent: true },
  validate: (_ctx: RequestContext, spec: Json) => {
    // Checked by the resource before anything else, dry run or not.
    if (spec.area != null && spec.area !== 'TOP_NAVBAR') throw new ApimError(400, 'API documentation must be under TOP_NAVBAR area', 'invalid');
    return { severe: pageErrors(spec), warning: [] };
  },
  refuse: refusedWith,
  answer: withoutArea,
});

export const automationDocumentations: Record<string, Handler> = { ...portalPages, ...apiPages };
