import type { KubeObject } from '../kube/object-ref.ts';
import { refOf } from '../kube/object-ref.ts';
import { describeOwner, ownerId, ownershipKey, type OwnerRef, type OwnershipRecord, type OwnershipStore } from '../ownership/ownership-store.ts';
import { SyncError, transient } from './errors.ts';
import type { SyncContext, VendorObjectIdentity } from './kind.ts';
import { ADOPT, OWNER_RECORD } from './metadata-keys.ts';

/** What a sync needs to keep one owner per vendor object: the records, and a way to wake the resources waiting for one. */
export interface Ownership {
  store: OwnershipStore;
  /** Sends each resource a pointer message (reason `owner-released`), so it syncs now rather than at its next resync. */
  wake(waiters: OwnerRef[], cause: string): Promise<void>;
}

/**
 * Another resource of the fleet owns the vendor object: nothing is written to the vendor, Ready=False with reason
 * Conflict, a Warning event `Conflict`; permanent, since only the owner's going or an adoption changes it (both wake this one).
 */
export class OwnershipConflict extends SyncError {
  readonly owner: OwnerRef;
  constructor(owner: OwnerRef, message: string) {
    super('permanent', 'Conflict', message);
    this.owner = owner;
  }
}

/** The resource as its ownership record names it. */
export function ownerOf(obj: KubeObject, ctx: SyncContext): OwnerRef {
  const { namespace, name } = refOf(obj);
  return { cluster: ctx.cluster.id, apiVersion: obj.apiVersion, kind: obj.kind, namespace, name, uid: obj.metadata.uid ?? '' };
}

const adopting = (obj: KubeObject) => obj.metadata.annotations?.[ADOPT] === 'true';

/**
 * Whether a sync that writes nothing must still check the record: a resync of a resource whose annotation names the
 * record needs no store call; anything else does (never claimed — synced before ownership records existed —, woken
 * because the owner went or took it over, a change of its spec or of its adopt annotation, or it asks to adopt).
 */
export function claimWanted(obj: KubeObject, identity: VendorObjectIdentity, reason: string | undefined): boolean {
  return reason !== 'resync' || obj.metadata.annotations?.[OWNER_RECORD] !== ownershipKey(identity) || adopting(obj);
}

/**
 * Claims the record of the vendor object before the sync writes it. Owned (or adopted): the resource's annotation
 * names the record (a record it held under another key, its identity having changed, is released); the former owner
 * of an adopted object is woken, to meet its Conflict. Owned by another: throws OwnershipConflict, and a stale
 * annotation goes, so a later no-op resync checks the record again. Returns the object as last written.
 */
export async function claimOwnership(obj: KubeObject, identity: VendorObjectIdentity, ctx: SyncContext): Promise<KubeObject> {
  const ownership = ctx.ownership;
  if (!ownership) return obj;
  const key = ownershipKey(identity);
  const me = ownerOf(obj, ctx);
  const held = obj.metadata.annotations?.[OWNER_RECORD];
  const result = await storeCall('claim', () => ownership.store.claim(key, me, { adopt: adopting(obj) }));
  if (result.outcome === 'lost') {
    if (held === key) await annotate(obj, ctx, null).catch((e) => ctx.log.warn('could not remove the owner-record annotation', { error: (e as Error).message }));
    throw new OwnershipConflict(result.owner, conflictMessage(identity, result.owner, result.ownerAdopted));
  }
  if (result.outcome === 'adopted') {
    ctx.log.info('vendor object taken over', { key, former: ownerId(result.former) });
    await wake(ctx, [result.former], `adopted:${key}`);
  }
  if (held === key) return obj;
  const annotated = await annotate(obj, ctx, key);
  if (held) await releaseOwnership(annotated, ctx, held);
  return annotated;
}

/** Releases the record (if this resource holds it) and wakes the resources waiting for it. */
export async function releaseOwnership(obj: KubeObject, ctx: SyncContext, key: string): Promise<void> {
  const ownership = ctx.ownership;
  if (!ownership) return;
  const waiters = await storeCall('release', () => ownership.store.release(key, ownerOf(obj, ctx)));
  await wake(ctx, waiters, `released:${key}:${new Date().toISOString()}`);
}

/** The record's owner when it is another resource (the vendor object is then not this resource's to delete). */
export async function ownedByAnother(obj: KubeObject, ctx: SyncContext, key: string): Promise<OwnerRef | undefined> {
  const ownership = ctx.ownership;
  if (!ownership) return undefined;
  const record: OwnershipRecord | undefined = await storeCall('read', () => ownership.store.read(key));
  return record && ownerId(record.owner) !== ownerId(ownerOf(obj, ctx)) ? record.owner : undefined;
}

export { describeOwner, ownershipKey };

function conflictMessage(identity: VendorObjectIdentity, owner: OwnerRef, ownerAdopted: boolean): string {
  const what = `${identity.vendor} ${identity.type} ${identity.id} (${identity.scope})`;
  const wayOut = ownerAdopted
    ? `that resource carries ${ADOPT}: "true" itself; remove it there (or delete or orphan that resource), then annotate this one ${ADOPT}: "true" to take the object over`
    : `to take it over, annotate this resource ${ADOPT}: "true"`;
  return `${what} is owned by ${describeOwner(owner)}; nothing was written. This resource syncs once that one is deleted or orphaned; ${wayOut}`;
}

/**
 * Sets (or, with null, removes) the annotation, updating the object in place: the kind's client holds this very object
 * and writes with its resourceVersion next (a pending-create annotation, a placement), as the engine does.
 */
async function annotate(obj: KubeObject, ctx: SyncContext, key: string | null): Promise<KubeObject> {
  const patched = await ctx.cluster.patchMetadata(refOf(obj), { annotations: { [OWNER_RECORD]: key } }, obj.metadata.resourceVersion ?? '');
  obj.metadata.resourceVersion = patched.metadata.resourceVersion;
  obj.metadata.annotations = patched.metadata.annotations;
  return obj;
}

async function wake(ctx: SyncContext, waiters: OwnerRef[], cause: string): Promise<void> {
  if (waiters.length === 0 || !ctx.ownership) return;
  try {
    await ctx.ownership.wake(waiters, cause);
  } catch (e) {
    // Not fatal: a waiter that is not woken syncs at its next resync.
    ctx.log.warn('could not wake the resources waiting for a vendor object', { waiters: waiters.map(ownerId), error: (e as Error).message });
  }
}

/** The store is infrastructure of the plane: its failures (throttling, network) are retried, never a verdict on the resource. */
async function storeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw transient('OwnershipStoreUnavailable', `ownership record ${what} failed: ${(e as Error).message}`, { cause: e });
  }
}
