import type { ExternalClient, SyncContext, VendorObjectIdentity } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import type { ResourceType } from '../../../shared/kube/resources.ts';
import { automationClient, objectStatus } from '../automation-client.ts';
import { hridOf } from '../hrid.ts';
import { graviteeChildIdentity } from '../identity.ts';
import { ManagementApi, type ResolvedContext } from '../management-api.ts';
import { noVendorObject } from '../no-vendor-object.ts';
import { contextIfPresent, resolveContext } from '../management-context/resolve.ts';
import { ApiV4DefinitionType, ManagementContextType, PortalType } from '../resource-types.ts';
import { existingParent, syncedParent, type Parent } from './parents.ts';

/**
 * Where apim-sync wrote a listing, link or page: `{"context":"<ns>/<name>","collection":"portals/<hrid>/listings"}`.
 * Their CRDs' status has no room for it, and their APIM address depends on a parent the spec may stop naming.
 */
export const PLACEMENT = 'apim-sync.io/placement';

/** A listing's, link's or page's address in APIM: the ManagementContext reaching it and its Automation collection. */
export interface Placement {
  context: ObjectRef;
  /** Under the environment, the parent's HRID encoded: `portals/<hrid>/links`, `apis/<hrid>/documentations`. */
  collection: string;
}

/** The parent a listing, link or page names in its spec, and its collection under that parent. */
export interface Parentage {
  /** A Portal, or an ApiV4Definition for an API's page. */
  type: ResourceType;
  ref: unknown;
  /** The field naming it, for messages: `spec.portalRef`. */
  field: string;
  children: 'listings' | 'links' | 'documentations';
}

/** What a sync writes under its parent, as automationClient takes it. */
export interface Written {
  payload: Record<string, unknown>;
  answered?: Record<string, unknown>;
}

/** Where the Automation API keeps the children of each parent kind. */
const PARENT_COLLECTIONS: Record<string, string> = { [PortalType.kind]: 'portals', [ApiV4DefinitionType.kind]: 'apis' };

const placementUnder = (parent: Parent, under: Parentage): Placement => ({
  context: parent.context,
  collection: `${PARENT_COLLECTIONS[under.type.kind]}/${encodeURIComponent(parent.hrid)}/${under.children}`,
});

const samePlacement = (a: Placement, b: Placement): boolean =>
  a.collection === b.collection && a.context.namespace === b.context.namespace && a.context.name === b.context.name;

/** The placement an object's annotation records; undefined when absent or unreadable (then the spec's is used). */
export function placementOf(obj: KubeObject): Placement | undefined {
  const raw = obj.metadata.annotations?.[PLACEMENT];
  if (!raw) return undefined;
  try {
    const { context, collection } = JSON.parse(raw) as { context?: unknown; collection?: unknown };
    const [namespace, name] = typeof context === 'string' ? context.split('/') : [];
    if (!namespace || !name || typeof collection !== 'string' || !collection) return undefined;
    return { context: { apiVersion: ManagementContextType.apiVersion, kind: ManagementContextType.kind, namespace, name }, collection };
  } catch {
    return undefined;
  }
}

async function recordPlacement(object: KubeObject, p: Placement, ctx: SyncContext): Promise<void> {
  const value = JSON.stringify({ context: `${p.context.namespace}/${p.context.name}`, collection: p.collection });
  const patched = await ctx.cluster.patchMetadata(refOf(object), { annotations: { [PLACEMENT]: value } }, object.metadata.resourceVersion ?? '');
  // The engine writes status with this object's resourceVersion next: keep it the current one.
  object.metadata.resourceVersion = patched.metadata.resourceVersion;
  object.metadata.annotations = patched.metadata.annotations;
}

/**
 * The object at a placement, for its ownership record: `portal-listing`, `portal-link`, `portal-documentation` or
 * `api-documentation`, keyed under its parent (a portal and an API with one hrid derive one id).
 */
function placedIdentity(p: Placement, context: ResolvedContext, hrid: string): VendorObjectIdentity {
  const [parents = '', parentHrid = '', children = ''] = p.collection.split('/');
  const type = `${parents.replace(/s$/, '')}-${children.replace(/s$/, '')}`;
  return graviteeChildIdentity(context, type, { hrid: decodeURIComponent(parentHrid) }, hrid);
}

/** Deletes the object at a placement; 404 is already gone. A context that is gone leaves nothing reachable (GKO too). */
async function removeAt(p: Placement, hrid: string, ctx: SyncContext): Promise<void> {
  const context = await contextIfPresent(p.context, ctx);
  if (!context) {
    ctx.log.info('ManagementContext gone: nothing left to delete in APIM', { context: `${p.context.namespace}/${p.context.name}`, collection: p.collection, hrid });
    return;
  }
  const api = new ManagementApi(context, ctx.http);
  await api.call('DELETE', `${api.automation()}/${p.collection}/${encodeURIComponent(hrid)}`, { accept: [200, 204, 404] });
}

/**
 * The client of a listing, link or page, which lives under the parent (a Portal, or an API for a page) it names: the
 * sync waits until that parent exists, has a context and is synced, then writes `written(parent)` under it.
 *
 * When the parent it was written under changes (its portalRef or apiRef, or the parent's context), it moves: the old
 * object is deleted, the annotation is set to the new placement, then the new one is written. GKO's admission refuses
 * such a change instead; apim-sync has no webhook, and refusing after the fact would leave the user a resource that
 * can neither sync nor go back without an edit, so it does what the edit asks. The annotation is set before the
 * upsert and changed only once the old object is gone, so a crash between any two calls converges on the next sync.
 *
 * At deletion it removes the object where it was written and where the spec now points (an object synced before the
 * annotation existed); a parent or context that is gone leaves nothing to delete, and the finalizer is released.
 */
export async function placedClient(
  object: KubeObject,
  ctx: SyncContext,
  under: Parentage,
  written: (parent: Parent) => Written | Promise<Written>,
): Promise<ExternalClient> {
  const namespace = object.metadata.namespace ?? 'default';
  const hrid = hridOf(object);
  const previous = placementOf(object);
  if (object.metadata.deletionTimestamp) {
    const parent = await existingParent(under.type, under.ref, namespace, ctx);
    const current = parent && placementUnder(parent, under);
    const written = previous ?? current;
    const writtenContext = written && (await contextIfPresent(written.context, ctx));
    return {
      ...noVendorObject(),
      identity: written && writtenContext && placedIdentity(written, writtenContext, hrid),
      async delete() {
        const places = [previous, current].filter((p, i, all): p is Placement => !!p && all.findIndex((q) => q && samePlacement(q, p)) === i);
        if (places.length === 0) ctx.log.info('parent or context gone: nothing left to delete in APIM', { kind: object.kind, name: object.metadata.name });
        for (const p of places) await removeAt(p, hrid, ctx);
      },
    };
  }
  const parent = await syncedParent(under.type, under.ref, namespace, under.field, ctx);
  const placement = placementUnder(parent, under);
  const { payload, answered } = await written(parent);
  const api = new ManagementApi(await resolveContext(placement.context, ctx), ctx.http);
  const identity = placedIdentity(placement, api.context, hrid);
  const client = automationClient({ api, collection: placement.collection, hrid, identity, payload, answered, toStatus: objectStatus });
  const moved = previous !== undefined && !samePlacement(previous, placement);
  const place = async () => {
    if (moved) await removeAt(previous, hrid, ctx);
    if (!previous || moved) await recordPlacement(object, placement, ctx);
  };
  return {
    identity,
    async observe() {
      const seen = await client.observe();
      return moved ? { ...seen, upToDate: false } : seen;
    },
    async create() {
      await place();
      return client.create();
    },
    async update() {
      await place();
      return client.update();
    },
    delete: () => client.delete(),
  };
}
