/**
 * The Automation API's contract for the kinds beyond APIs and applications (groups, dictionaries, shared policy groups,
 * portals and what hangs under an API or a portal): `PUT` upserts by HRID, `GET`/`DELETE` address one HRID, an unknown
 * HRID is 404 `hrid.notFound`, `dryRun=true` validates and stores nothing. A kind module supplies only what APIM does
 * particularly for it: its import validation and what its state adds to the spec.
 */
import { importErrors, hridNotFound, type ApimError } from './errors.ts';
import { clone, queryFlag, type Handler, type RequestContext } from './handler.ts';
import { nameUuid, topLevelIds, type TopLevelIds } from './ids.ts';
import type { Json } from './store.ts';

/** The parent a sub-collection lives under (`apis/{apiHrid}/subscriptions`, `portals/{portalHrid}/links`). */
export interface ParentOf {
  /** Path parameter holding the parent's HRID. */
  param: 'apiHrid' | 'portalHrid';
  /** Store collection of the parent (`apis` for v4 APIs, `portals`). */
  collection: string;
  /** Query flag saying the parent HRID is its UUID (`hridContainsApiUUID`), as APIM reads it for subscriptions. */
  uuidFlag?: string;
  /** Finds a parent addressed by UUID that may live outside `collection` (a subscription's v2 API). */
  byUuid?(ctx: RequestContext, id: string): Json | undefined;
  /**
   * APIM imports under a parent it does not hold (its orphan tolerance: a listing's portal, an API page's API), the
   * object addressed by the parent's HRID alone; `validate` then gets no parent, and GET or DELETE of an object never
   * imported answer 404 for the object's own HRID, as APIM does.
   */
  mayBeAbsent?: boolean;
}

export interface Outcome {
  severe: string[];
  warning: string[];
}

export interface CollectionDefinition {
  /** Store collection name (`groups`, `subscriptions`, `portal-links`…). */
  collection: string;
  /** operationIds of the published spec. */
  operations: { upsert: string; get: string; remove: string };
  parent?: ParentOf;
  /** APIM's import validation for this kind; severe errors fail the import (400), warnings are reported. */
  validate?(ctx: RequestContext, spec: Json, parent: Json | undefined): Outcome;
  /** What APIM adds to the stored state besides the spec, ids and errors (memberCount, startingAt…). */
  extend?(ctx: RequestContext, spec: Json, existing: Json | undefined, parent: Json | undefined): Json;
  /** Fields of the answer besides `id` (the spec's fields when omitted: the state echoes the spec). */
  answer?(state: Json): Json;
  /** How APIM refuses an import with severe errors (default: `Unable to import because of errors [...]`, as for APIs). */
  refuse?(severe: string[]): ApimError;
}

/** Ids of an object: top-level ones as APIs are derived; under a parent `v3(parentCrossId + env + hrid)`. */
export function objectIds(ctx: RequestContext, hrid: string, parent: Json | undefined): TopLevelIds {
  if (queryFlag(ctx.query, 'hridContainsUUID')) return { id: hrid, crossId: hrid };
  if (!parent) return topLevelIds(ctx.org, ctx.env, hrid);
  const parentCrossId = String(parent.crossId ?? parent.id);
  return { id: nameUuid(parentCrossId, ctx.env, hrid), crossId: nameUuid(parentCrossId, hrid) };
}

/** The stored parent of a sub-collection request, or APIM's 404 for its HRID. */
function parentOf(ctx: RequestContext, def: CollectionDefinition): Json | undefined {
  if (!def.parent) return undefined;
  const hrid = ctx.params[def.parent.param]!;
  const byUuid = def.parent.uuidFlag ? queryFlag(ctx.query, def.parent.uuidFlag) : false;
  const id = byUuid ? hrid : topLevelIds(ctx.org, ctx.env, hrid).id;
  const stored = byUuid && def.parent.byUuid ? def.parent.byUuid(ctx, id) : ctx.data.table(def.parent.collection).get(id)?.value;
  if (stored) return stored;
  if (def.parent.mayBeAbsent) return undefined;
  throw hridNotFound(hrid);
}

/** The ids an absent parent would have (derived from its HRID), which address what APIM imports under it. */
function addressOf(ctx: RequestContext, def: CollectionDefinition, parent: Json | undefined): Json | undefined {
  if (parent || !def.parent) return parent;
  return { crossId: topLevelIds(ctx.org, ctx.env, ctx.params[def.parent.param]!).crossId };
}

export function collectionHandlers(def: CollectionDefinition): Record<string, Handler> {
  const table = (ctx: RequestContext) => ctx.data.table(def.collection);
  const find = (ctx: RequestContext) => {
    const parent = parentOf(ctx, def);
    const hrid = ctx.params.hrid!;
    const { id } = objectIds(ctx, hrid, addressOf(ctx, def, parent));
    const stored = table(ctx).get(id);
    if (!stored) throw hridNotFound(hrid);
    return { id, stored };
  };
  const answer = (state: Json) => (def.answer ? { id: state.id, ...def.answer(state) } : state);
  return {
    [def.operations.upsert]: (ctx) => {
      const spec = ctx.body as Json;
      const parent = parentOf(ctx, def);
      const hrid = String(spec.hrid);
      const ids = objectIds(ctx, hrid, addressOf(ctx, def, parent));
      const existing = table(ctx).get(ids.id)?.value;
      const { severe, warning } = def.validate?.(ctx, spec, parent) ?? { severe: [], warning: [] };
      const state: Json = {
        ...clone(spec),
        ...def.extend?.(ctx, spec, existing, parent),
        id: ids.id,
        crossId: ids.crossId,
        organizationId: ctx.org,
        environmentId: ctx.env,
        ...(def.parent ? { [def.parent.param]: ctx.params[def.parent.param] } : {}),
        errors: { severe, warning },
      };
      if (queryFlag(ctx.query, 'dryRun')) return { status: 200, body: answer(state) };
      if (severe.length) throw def.refuse ? def.refuse(severe) : importErrors(severe);
      table(ctx).upsert(ids.id, state);
      return { status: 200, body: answer(state) };
    },
    [def.operations.get]: (ctx) => ({ status: 200, body: answer(find(ctx).stored.value) }),
    [def.operations.remove]: (ctx) => {
      table(ctx).delete(find(ctx).id);
      return { status: 204 };
    },
  };
}
