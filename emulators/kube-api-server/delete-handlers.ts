/**
 * DELETE and deletecollection. Objects with finalizers are only marked (deletionTimestamp, grace period 0,
 * generation bumped); the last finalizer's removal deletes them (see write-handlers).
 */
import { conflict, badRequest, notFound } from './status-errors.ts';
import { collectionOf, decodeBody, dryRun, keyOf, present, type HandlerResult, type ResourceRequest, type ServerState } from './request-context.ts';
import { grKey, type KubeObj, type ResourceType } from './resource-type.ts';
import { nowTimestamp } from './object-meta.ts';
import { isNamespaceType } from './core-types.ts';
import { objectKey } from './store.ts';
import { isCrdType, markCrdTerminating } from './crd.ts';
import { listMatching } from './read-handlers.ts';

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
  dryRun?: string[];
}

function deleteOptions(r: ResourceRequest): DeleteOptions {
  const opts: DeleteOptions = r.body.length && r.body.toString('utf8').trim() ? decodeBody(r) : {};
  const policy = opts.propagationPolicy ?? r.query.get('propagationPolicy') ?? undefined;
  if (policy && !['Orphan', 'Background', 'Foreground'].includes(policy))
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  if (opts.dryRun?.length) r.query.append('dryRun', opts.dryRun[0]);
  return opts;
}

export function deleteOne(r: ResourceRequest): HandlerResult {
  const opts = deleteOptions(r);
  const old = collectionOf(r).objects.get(keyOf(r));
  if (!old) throw notFound(r.type, r.name!);
  const p = opts.preconditions;
  if (p?.uid && p.uid !== old.metadata.uid)
    throw conflict(r.type, r.name!, `Precondition failed: UID in precondition: ${p.uid}, UID in object meta: ${old.metadata.uid}`);
  if (p?.resourceVersion && p.resourceVersion !== old.metadata.resourceVersion)
    throw conflict(r.type, r.name!, `Precondition failed: ResourceVersion in precondition: ${p.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
  const { deleted, object } = deleteObject(r.state, r.type, old, dryRun(r));
  if (!deleted || r.type.strategy.deleteReturnsObject) return { code: 200, body: present(r, object) };
  return {
    code: 200,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: old.metadata.name, ...(r.type.group ? { group: r.type.group } : {}), kind: r.type.resource, uid: old.metadata.uid } },
  };
}

/**
 * Deletes an object, or marks it as deleting when finalizers (or, for Namespaces, spec.finalizers) hold it.
 * Shared with the namespace and CRD cleanup, which delete the same way the garbage collector's DELETEs do.
 */
export function deleteObject(state: ServerState, t: ResourceType, old: KubeObj, dry = false): { deleted: boolean; object: KubeObj } {
  const c = state.store.collection(grKey(t));
  const key = objectKey(t.namespaced ? old.metadata.namespace : undefined, old.metadata.name);
  const crd = isCrdType(t);
  const pending = crd || (old.metadata.finalizers ?? []).length > 0 || (isNamespaceType(t) && (old.spec?.finalizers ?? []).length > 0);
  if (pending) {
    if (old.metadata.deletionTimestamp) return { deleted: false, object: old };
    const marked: KubeObj = { ...old, metadata: { ...old.metadata, deletionTimestamp: nowTimestamp(), deletionGracePeriodSeconds: 0 } };
    if (old.metadata.generation !== undefined) marked.metadata.generation = old.metadata.generation + 1;
    if (isNamespaceType(t)) marked.status = { ...(old.status ?? {}), phase: 'Terminating' };
    if (crd) markCrdTerminating(marked);
    if (dry) return { deleted: false, object: marked };
    return { deleted: false, object: state.store.commit(c, key, 'MODIFIED', marked) };
  }
  if (dry) return { deleted: true, object: old };
  return { deleted: true, object: state.store.commit(c, key, 'DELETED', old) };
}

/** DELETE on a collection: every object matching the selectors is deleted as by DELETE; answers with their list. */
export function deleteCollection(r: ResourceRequest): HandlerResult {
  deleteOptions(r);
  const dry = dryRun(r);
  const { items, list } = listMatching(r);
  const results = items.map((o) => present(r, deleteObject(r.state, r.type, o, dry).object));
  return { code: 200, body: { ...list, items: r.type.custom ? results : results.map(({ apiVersion: _a, kind: _k, ...rest }) => rest) } };
}
