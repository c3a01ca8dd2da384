/** create (POST), update (PUT) and patch (PATCH), on the main resource and on /status. */
import { randomUUID } from 'node:crypto';
import { ApiError, alreadyExists, badRequest, forbidden, invalid, notFound, staleConflict, unsupportedMediaType } from './status-errors.ts';
import { JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, type KubeObj } from './resource-type.ts';
import { checkTypeMeta, collectionOf, decodeBody, dryRun, header, keyOf, present, type HandlerResult, type ResourceRequest } from './request-context.ts';
import { decodeInto, prepareForCreate, prepareForUpdate, validateObject } from './object-preparation.ts';
import { generateName, nowTimestamp } from './object-meta.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { deepEqual, clone } from './json-util.ts';
import { isNamespaceType } from './core-types.ts';

export function create(r: ResourceRequest): HandlerResult {
  const obj = decodeBody(r);
  checkTypeMeta(r, obj);
  return { code: 201, body: createObject(r, obj) };
}

function createObject(r: ResourceRequest, obj: KubeObj): KubeObj {
  const t = r.type;
  const m = obj.metadata;
  if (t.namespaced) {
    if (m.namespace && m.namespace !== r.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    m.namespace = r.namespace;
  } else delete m.namespace;
  if (m.resourceVersion) throw new ApiError(500, '', 'resourceVersion should not be set on objects to be created');
  decodeInto(r, obj);
  const c = collectionOf(r);
  if (!m.name && m.generateName) {
    do m.name = generateName(m.generateName);
    while (c.objects.has(keyOf(r, m.name)));
  }
  prepareForCreate(r, obj);
  validateObject(r, obj);
  if (t.terminating) throw new ApiError(405, 'MethodNotAllowed', `create not allowed while custom resource definition is terminating`);
  if (t.namespaced && r.state.terminatingNamespaces.has(m.namespace)) throw namespaceTerminating(r, m.name, m.namespace);
  const key = keyOf(r, m.name);
  if (c.objects.has(key)) throw alreadyExists(t, m.name);
  m.uid = randomUUID();
  m.creationTimestamp = nowTimestamp();
  if (dryRun(r)) return present(r, { ...obj, metadata: { ...m } });
  return present(r, r.state.store.commit(c, key, 'ADDED', obj));
}

function namespaceTerminating(r: ResourceRequest, name: string, ns: string): ApiError {
  const e = forbidden(r.type, name, `unable to create new content in namespace ${ns} because it is being terminated`);
  e.status.details!.causes = [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }];
  return e;
}

export function update(r: ResourceRequest): HandlerResult {
  const obj = decodeBody(r);
  checkTypeMeta(r, obj);
  const m = obj.metadata;
  if (m.name !== r.name) throw badRequest(`the name of the object (${m.name ?? ''}) does not match the name on the URL (${r.name})`);
  if (r.type.namespaced && m.namespace && m.namespace !== r.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  const old = collectionOf(r).objects.get(keyOf(r));
  if (!old) {
    if (r.type.strategy.allowCreateOnUpdate && !r.subresource) {
      delete m.resourceVersion;
      return { code: 201, body: createObject(r, obj) };
    }
    throw notFound(r.type, r.name!);
  }
  return { code: 200, body: updateObject(r, obj, old, m.resourceVersion) };
}

/** The shared tail of PUT and PATCH: preconditions, preparation, validation, then store (or delete, or nothing). */
function updateObject(r: ResourceRequest, incoming: KubeObj, old: KubeObj, resourceVersion: string | undefined): KubeObj {
  const t = r.type;
  if (!resourceVersion) {
    if (!t.strategy.allowUnconditionalUpdate)
      throw invalid(t.group, t.resource, r.name!, [{ type: 'Invalid', field: 'metadata.resourceVersion', value: 0, detail: 'must be specified for an update' }]);
  } else if (resourceVersion !== old.metadata.resourceVersion) throw staleConflict(t, r.name!);
  decodeInto(r, incoming);
  const next = prepareForUpdate(r, incoming, old);
  next.apiVersion = old.apiVersion;
  validateObject(r, next, old);
  const c = collectionOf(r);
  const key = keyOf(r);
  const { resourceVersion: _n, ...nextMeta } = next.metadata;
  const { resourceVersion: _o, ...oldMeta } = old.metadata;
  // GuaranteedUpdate skips the write when nothing changed: same resourceVersion, no watch event.
  if (deepEqual({ ...next, metadata: nextMeta }, { ...old, metadata: oldMeta })) return present(r, old);
  if (dryRun(r)) return present(r, { ...next, metadata: { ...next.metadata, resourceVersion: old.metadata.resourceVersion } });
  if (next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length && !isNamespaceType(t)) {
    // The last finalizer is gone: the object is deleted; watchers see its last stored state, the caller its update.
    r.state.store.commit(c, key, 'DELETED', old);
    return present(r, { ...next, metadata: { ...next.metadata, resourceVersion: old.metadata.resourceVersion } });
  }
  return present(r, r.state.store.commit(c, key, 'MODIFIED', next));
}

/** PATCH: the patch applies to the object as currently stored (in the requested version), then it is an update. */
export function patch(r: ResourceRequest): HandlerResult {
  const type = header(r, 'content-type').split(';')[0].trim();
  if (!r.type.strategy.patchTypes.includes(type)) throw unsupportedMediaType(r.type.strategy.patchTypes);
  const old = collectionOf(r).objects.get(keyOf(r));
  if (!old) throw notFound(r.type, r.name!);
  const body = decodeBody(r);
  const current = clone(present(r, old));
  let patched: KubeObj;
  if (type === JSON_PATCH) patched = jsonPatch(current, body);
  else {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('json: cannot unmarshal non-object into Go value of type map[string]interface {}');
    patched = type === MERGE_PATCH ? mergePatch(current, body) : type === STRATEGIC_PATCH ? strategicMergePatch(current, body) : mergePatch(current, body);
  }
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) throw badRequest('the patched object is not a JSON object');
  checkTypeMeta(r, patched);
  if (patched.metadata.name !== r.name) throw badRequest(`the name of the object (${patched.metadata.name ?? ''}) does not match the name on the URL (${r.name})`);
  return { code: 200, body: updateObject(r, patched, old, patched.metadata.resourceVersion ?? old.metadata.resourceVersion) };
}
