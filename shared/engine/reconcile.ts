import type { KubeObject, ObjectRef } from '../kube/object-ref.ts';
import { refOf } from '../kube/object-ref.ts';
import { mergeConditions, findCondition, readyAtGeneration, type ConditionInput } from './conditions.ts';
import { asSyncError, type SyncError } from './errors.ts';
import type { Desired, ExternalStatus, KindDefinition, SyncContext } from './kind.ts';
import { DELETION_POLICY, FINALIZER, OWNER_RECORD } from './metadata-keys.ts';
import { claimOwnership, claimWanted, describeOwner, ownedByAnother, ownershipKey, OwnershipConflict, releaseOwnership } from './ownership.ts';
import { redactSecrets } from './redaction.ts';
import { parseSpec } from './spec-validation.ts';
import { statusPatch } from './status-patch.ts';
import { renderTemplates } from './templates.ts';

export type ReconcileAction = 'created' | 'updated' | 'applied' | 'unchanged' | 'deleted' | 'orphaned' | 'blocked' | 'gone' | 'not-ours' | 'drift-handed-over';

/** Why this sync runs (the queue message's reason): a resync of an owner in step needs no ownership store call. */
export interface ReconcileOptions {
  reason?: string;
}

/**
 * The managed reconciler: reads the object, then either converges the vendor object on its spec
 * (observe → create | update | nothing) or, while it is being deleted, removes the vendor object and the finalizer.
 * Throws a SyncError after writing the failure into status; the caller decides the message's fate from its class.
 */
export async function reconcile(ref: ObjectRef, kind: KindDefinition, ctx: SyncContext, opts: ReconcileOptions = {}): Promise<ReconcileAction> {
  const obj = await ctx.cluster.get(ref);
  if (!obj) return 'gone';
  return obj.metadata.deletionTimestamp ? reconcileDeletion(obj, kind, ctx) : reconcileSpec(obj, kind, ctx, opts);
}

async function prepare<S>(obj: KubeObject, kind: KindDefinition<S>, ctx: SyncContext): Promise<Desired<S>> {
  const { spec } = await renderTemplates(obj.spec ?? {}, obj.metadata.namespace ?? 'default', (r) => ctx.readData(r), ctx.secrets);
  return { object: obj, spec: parseSpec(kind.schema, spec) };
}

/**
 * Deleting needs only the object's identity and its context: a spec that became invalid after it was synced must
 * not keep the vendor object (and the resource) alive, so validation failures fall back to the raw spec.
 */
async function prepareForDeletion<S>(obj: KubeObject, kind: KindDefinition<S>, ctx: SyncContext): Promise<Desired<S>> {
  try {
    return await prepare(obj, kind, ctx);
  } catch (e) {
    const err = asSyncError(e);
    if (err.retry !== 'permanent') throw err;
    ctx.log.warn('deleting with an invalid spec', { kind: obj.kind, name: obj.metadata.name, error: err.message });
    return { object: obj, spec: (obj.spec ?? {}) as S };
  }
}

async function reconcileSpec(obj: KubeObject, kind: KindDefinition, ctx: SyncContext, opts: ReconcileOptions): Promise<ReconcileAction> {
  if (kind.oneShot && findCondition(obj.status, 'Ready')?.status === 'True') return settleOneShot(obj, kind, ctx);
  let live = obj;
  let action: ReconcileAction = 'unchanged';
  try {
    const desired = await prepare(obj, kind, ctx);
    live = kind.oneShot ? obj : await ensureFinalizer(obj, ctx);
    desired.object = live;
    const client = await kind.connect(desired, ctx);
    let vendorStatus: ExternalStatus;
    let observedStatus: ExternalStatus | undefined;
    let notes = client.notes;
    const started: Promise<void>[] = [];
    // Of the resources across the fleet that name one vendor object, only its owner writes it (README, "Who owns a vendor object").
    let claimed = false;
    const claim = async () => {
      if (client.identity) [live, claimed] = [(desired.object = await claimOwnership(live, client.identity, ctx)), true];
    };
    const begin = () => started.push(event(ctx, live, 'Normal', 'UpdateStarted', `Syncing ${live.kind} to the vendor`));
    if (kind.idempotentUpsert && !readyAtGeneration(live)) {
      // The spec moved (or never synced): an upsert is needed whatever the vendor holds.
      await claim();
      begin();
      action = 'applied';
      vendorStatus = await client.update();
    } else {
      const observed = await client.observe();
      vendorStatus = observedStatus = observed.status ?? {};
      if (observed.notes) notes = { ...notes, ...observed.notes };
      if (!observed.exists || !observed.upToDate) {
        if (opts.reason === 'resync' && ctx.handOver && readyAtGeneration(live)) {
          // The resync queue runs beside the changes queue: its correction is written in the object's changes group.
          await ctx.handOver(live, `drift:${live.metadata.resourceVersion ?? ''}:${Date.now()}`);
          return 'drift-handed-over';
        }
        await claim();
        begin();
        action = observed.exists ? 'updated' : 'created';
        vendorStatus = observed.exists ? await client.update() : await client.create();
        // A vendor that assigns the id (a 3scale account) names the object only once it is made: claim it at once.
        if (!claimed && client.identity && ctx.ownership) await claim();
      } else if (client.identity && ctx.ownership && claimWanted(live, client.identity, opts.reason)) {
        await claim();
      }
    }
    const conditions = kind.conditions.success({ spec: desired.spec, observed: observedStatus, status: vendorStatus, notes });
    await Promise.all([writeStatus(ctx, live, vendorStatus, conditions), ...started]);
    if (action !== 'unchanged') await event(ctx, live, 'Normal', 'UpdateSucceeded', `${live.kind} ${action} in the vendor`);
  } catch (e) {
    const err = withoutSecrets(asSyncError(e), ctx);
    throw await recordFailure(ctx, live, kind, err, err instanceof OwnershipConflict ? 'Conflict' : 'UpdateFailed');
  }
  // Outside the try: Ready is written; a failed deletion is retried by settleOneShot, never recorded as a failed sync.
  if (kind.oneShot?.deleteWhenDone?.(live)) await deleteDone(live, ctx);
  return action;
}

async function reconcileDeletion(obj: KubeObject, kind: KindDefinition, ctx: SyncContext): Promise<ReconcileAction> {
  if (!obj.metadata.finalizers?.includes(FINALIZER)) return 'not-ours';
  try {
    const held = obj.metadata.annotations?.[OWNER_RECORD];
    if (obj.metadata.annotations?.[DELETION_POLICY] === 'orphan') {
      await kind.orphan?.(obj, ctx);
      // The vendor object stays, owned by no one: the next resource naming it may claim it.
      if (held) await releaseOwnership(obj, ctx, held);
      await removeFinalizer(obj, ctx);
      await event(ctx, obj, 'Normal', 'DeleteSucceeded', `Deleted; the vendor object was kept (${DELETION_POLICY}: orphan)`);
      return 'orphaned';
    }
    const blockers = (await kind.deletionBlockers?.(obj, ctx)) ?? [];
    if (blockers.length > 0) {
      const names = blockers.map((b) => `${b.kind} ${b.namespace}/${b.name}`).join(', ');
      const message = `deletion waits: still referenced by ${names}`;
      const changed = findCondition(obj.status, 'Ready')?.message !== message;
      await writeStatus(ctx, obj, {}, [{ type: 'Ready', status: 'False', reason: 'DeletionBlocked', message }]);
      if (changed) await event(ctx, obj, 'Warning', 'DeleteBlocked', message);
      return 'blocked';
    }
    if (held && (await keptForItsOwner(obj, ctx, held))) return 'orphaned';
    const client = await kind.connect(await prepareForDeletion(obj, kind, ctx), ctx);
    // Never claimed under an annotation (it lost, or synced before ownership records): the record still decides.
    const key = held ?? (client.identity && ctx.ownership ? ownershipKey(client.identity) : undefined);
    if (!held && key && (await keptForItsOwner(obj, ctx, key))) return 'orphaned';
    await event(ctx, obj, 'Normal', 'DeleteStarted', `Deleting the ${obj.kind} from the vendor`);
    const note = await client.delete();
    if (key) await releaseOwnership(obj, ctx, key);
    // Said in status before the finalizer goes, so it is read wherever the object is still seen (other finalizers).
    const current = note ? ((await writeStatus(ctx, obj, {}, [{ type: 'Ready', status: 'False', reason: 'Deleted', message: note }])) ?? obj) : obj;
    await removeFinalizer(current, ctx);
    await event(ctx, obj, 'Normal', 'DeleteSucceeded', note ? `${obj.kind} deleted from the vendor: ${note}` : `${obj.kind} deleted from the vendor`);
    return 'deleted';
  } catch (e) {
    const err = withoutSecrets(asSyncError(e), ctx);
    err.message += ` (to delete the resource and keep the vendor object, annotate it ${DELETION_POLICY}=orphan)`;
    throw await recordFailure(ctx, obj, kind, err, 'DeleteFailed');
  }
}

/**
 * A resource whose vendor object another resource owns goes without deleting it (its finalizer removed, an event
 * saying why); true when that was the case.
 */
async function keptForItsOwner(obj: KubeObject, ctx: SyncContext, key: string): Promise<boolean> {
  const owner = await ownedByAnother(obj, ctx, key);
  if (!owner) return false;
  await removeFinalizer(obj, ctx);
  await event(ctx, obj, 'Normal', 'DeleteSucceeded', `Deleted; the vendor object was kept: it is owned by ${describeOwner(owner)}`);
  return true;
}

/**
 * A one-shot object that succeeded is never acted on again: a later generation is not applied (the Ready condition
 * keeps the generation acted on, and says so). At that generation the deletion its spec asked for is done, which also
 * finishes one a crash interrupted after the status write.
 */
async function settleOneShot(obj: KubeObject, kind: KindDefinition, ctx: SyncContext): Promise<ReconcileAction> {
  const actedOnThisGeneration = findCondition(obj.status, 'Ready')?.observedGeneration === obj.metadata.generation;
  if (!actedOnThisGeneration || !kind.oneShot?.deleteWhenDone?.(obj)) return 'unchanged';
  await deleteDone(obj, ctx);
  return 'deleted';
}

/** Deletes a one-shot resource once done, as its spec asks; only this incarnation (uid), never a successor. */
async function deleteDone(obj: KubeObject, ctx: SyncContext): Promise<void> {
  await event(ctx, obj, 'Normal', 'DeletingDone', `${obj.kind} done: deleting the resource, as its spec asks`);
  await ctx.cluster.delete(refOf(obj), obj.metadata.uid);
}

/** The error with the sync's secrets taken out of its message, before conditions, events and logs carry it. */
function withoutSecrets(err: SyncError, ctx: SyncContext): SyncError {
  err.message = redactSecrets(err.message, ctx.secrets);
  return err;
}

/** Writes the failure as conditions (and an event when the message is new), then hands the error back. */
async function recordFailure(ctx: SyncContext, obj: KubeObject, kind: KindDefinition, err: SyncError, eventReason: string): Promise<SyncError> {
  const conditions = kind.conditions.failure(err);
  const isNew = findCondition(obj.status, 'Ready')?.message !== err.message;
  let overtaken = false;
  // A redelivery (visibility timeout) may have synced this generation while this attempt waited on the vendor:
  // its success stands, this stale failure is not news.
  const syncedMeanwhile = (fresh: KubeObject) => (overtaken = !readyAtGeneration(obj) && readyAtGeneration(fresh) && fresh.metadata.generation === obj.metadata.generation);
  try {
    await writeStatus(ctx, obj, kind.failureStatus ?? {}, conditions, syncedMeanwhile);
    if (isNew && !overtaken) await event(ctx, obj, 'Warning', eventReason, err.message);
  } catch (writeErr) {
    // The sync is retried anyway; the status catches up then.
    ctx.log.warn('could not record failure in status', { error: asSyncError(writeErr).message });
  }
  return err;
}

/**
 * Merge-patches status when it differs; on a 409 re-reads the object and tries again, unless the fresh object
 * makes the write moot (`unless`). Returns the object written.
 */
async function writeStatus(ctx: SyncContext, obj: KubeObject, vendorStatus: ExternalStatus, conditions: ConditionInput[], unless?: (fresh: KubeObject) => boolean): Promise<KubeObject | undefined> {
  let current = obj;
  for (let attempt = 0; ; attempt++) {
    // Top-level observedGeneration as the operators write it, besides the conditions' own.
    const observed = obj.metadata.generation !== undefined ? { observedGeneration: obj.metadata.generation } : {};
    const next = { ...vendorStatus, ...observed, conditions: mergeConditions(current.status?.conditions, conditions, obj.metadata.generation) };
    const patch = statusPatch(current.status, next);
    if (!patch) return current;
    try {
      return await ctx.cluster.patchStatus(refOf(current), patch, current.metadata.resourceVersion);
    } catch (e) {
      const err = asSyncError(e);
      if (err.reason !== 'Conflict' || attempt >= 4) throw err;
      const fresh = await ctx.cluster.get(refOf(obj));
      if (!fresh) return undefined;
      if (unless?.(fresh)) return fresh;
      current = fresh;
    }
  }
}

async function ensureFinalizer(obj: KubeObject, ctx: SyncContext): Promise<KubeObject> {
  const finalizers = obj.metadata.finalizers ?? [];
  if (finalizers.includes(FINALIZER)) return obj;
  return ctx.cluster.patchMetadata(refOf(obj), { finalizers: [...finalizers, FINALIZER] }, obj.metadata.resourceVersion ?? '');
}

async function removeFinalizer(obj: KubeObject, ctx: SyncContext): Promise<void> {
  const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== FINALIZER);
  await ctx.cluster.patchMetadata(refOf(obj), { finalizers }, obj.metadata.resourceVersion ?? '');
}

function event(ctx: SyncContext, obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
  return ctx.cluster.recordEvent(obj, { type, reason, message });
}
