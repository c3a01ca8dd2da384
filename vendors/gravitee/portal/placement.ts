import type { Desired, ExternalClient, SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { automationClient } from '../automation-client.ts';
import { hridOf } from '../hrid.ts';
import { ManagementApi } from '../management-api.ts';
import { resolveContext, resolveContextObject } from '../management-context/resolve.ts';
import { ManagementContextType } from '../resource-types.ts';
import { portalObjectStatus } from './status.ts';

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

/** What a sync writes: the placement its spec points to, and the body. */
export interface Target extends Placement {
  payload: Record<string, unknown>;
  /** As automationClient's: when APIM's state shows less than it takes (a page's area). */
  upToDate?(state: Record<string, unknown>): boolean;
}

/** The collection of `sub` objects under a parent: `portals/<portalHrid>/listings`. */
export const collectionUnder = (parents: 'portals' | 'apis', parentHrid: string, sub: string): string => `${parents}/${encodeURIComponent(parentHrid)}/${sub}`;

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

/** Deletes the object at a placement; 404 is already gone. A context that is gone leaves nothing reachable (GKO too). */
async function removeAt(p: Placement, hrid: string, ctx: SyncContext): Promise<void> {
  const context = await ctx.cluster.get(p.context);
  if (!context) {
    ctx.log.info('ManagementContext gone: nothing left to delete in APIM', { context: `${p.context.namespace}/${p.context.name}`, collection: p.collection, hrid });
    return;
  }
  const api = new ManagementApi(await resolveContextObject(context, ctx, `ManagementContext ${p.context.namespace}/${p.context.name}: `), ctx.http);
  await api.call('DELETE', `${api.automation()}/${p.collection}/${encodeURIComponent(hrid)}`, { accept: [200, 204, 404] });
}

/**
 * The client of a listing, link or page, which lives under a parent (a Portal, or an API for a page) it names.
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
  { object }: Desired<unknown>,
  ctx: SyncContext,
  where: { target(): Promise<Target>; atDeletion(): Promise<Placement | undefined> },
): Promise<ExternalClient> {
  const hrid = hridOf(object);
  const previous = placementOf(object);
  if (object.metadata.deletionTimestamp) {
    const current = await where.atDeletion();
    return {
      observe: async () => ({ exists: false, upToDate: false }),
      create: async () => ({}),
      update: async () => ({}),
      async delete() {
        const places = [previous, current].filter((p, i, all): p is Placement => !!p && all.findIndex((q) => q && samePlacement(q, p)) === i);
        if (places.length === 0) ctx.log.info('parent or context gone: nothing left to delete in APIM', { kind: object.kind, name: object.metadata.name });
        for (const p of places) await removeAt(p, hrid, ctx);
      },
    };
  }
  const { payload, upToDate, ...placement } = await where.target();
  const api = new ManagementApi(await resolveContext(placement.context, ctx), ctx.http);
  const client = automationClient({ api, collection: placement.collection, hrid, payload, upToDate, toStatus: portalObjectStatus });
  const moved = previous !== undefined && !samePlacement(previous, placement);
  const place = async () => {
    if (moved) await removeAt(previous, hrid, ctx);
    if (!previous || moved) await recordPlacement(object, placement, ctx);
  };
  return {
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
