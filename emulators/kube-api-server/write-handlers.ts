/**
 * create (POST), update (PUT) and patch (PATCH, server-side apply included), on the main resource and on /status;
 * every write records its manager's fields in metadata.managedFields.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, alreadyExists, badRequest, forbidden, invalid, notFound, staleConflict, unsupportedMediaType, type FieldError } from './status-errors.ts';
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, apiVersionOf, type KubeObj } from './resource-type.ts';
import { checkTypeMeta, collectionOf, decodeBody, dryRun, header, keyOf, present, type HandlerResult, type ResourceRequest } from './request-context.ts';
import { decodeInto, prepareForCreate, prepareForUpdate, pruneUnknown, validateObject } from './object-preparation.ts';
import { generateName, nowTimestamp } from './object-meta.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { deepEqual, clone } from './json-util.ts';
import { isNamespaceType } from './core-types.ts';
import { apply, decodeManagers, encodeManagers, recordUpdate, type Managers, type Write } from './managed-fields.ts';
import { rootShape } from './field-shapes.ts';

export function create(r: ResourceRequest): HandlerResult {
  const obj = decodeBody(r);
  checkTypeMeta(r, obj);
  return { code: 201, body: createObject(r, obj) };
}

/** `applied`: the owners an apply computed; else the create is recorded as its manager's Update. */
function createObject(r: ResourceRequest, obj: KubeObj, applied?: Managers): KubeObj {
  const t = r.type;
  const m = obj.metadata;
  const requested = m.managedFields;
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
  setManagedFields(obj, applied ?? recordUpdate(undefined, obj, requestedManagers(r, requested, undefined), writeOf(r)));
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
function updateObject(r: ResourceRequest, incoming: KubeObj, old: KubeObj, resourceVersion: string | undefined, applied?: Managers): KubeObj {
  const t = r.type;
  const requested = incoming.metadata?.managedFields;
  if (!resourceVersion) {
    if (!t.strategy.allowUnconditionalUpdate)
      throw invalid(t.group, t.resource, r.name!, [{ type: 'Invalid', field: 'metadata.resourceVersion', value: 0, detail: 'must be specified for an update' }]);
  } else if (resourceVersion !== old.metadata.resourceVersion) throw staleConflict(t, r.name!);
  decodeInto(r, incoming);
  const next = prepareForUpdate(r, incoming, old);
  next.apiVersion = old.apiVersion;
  validateObject(r, next, old);
  setManagedFields(next, applied ?? recordUpdate(old, next, requestedManagers(r, requested, old), writeOf(r)));
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
  validatePatchOptions(r, type);
  if (type === APPLY_PATCH) return applyPatch(r);
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

/**
 * Server-side apply (`application/apply-patch+yaml`): the configuration is the manager's intent, merged into the object
 * (created when absent, 201), with managedFields tracking who owns what (managed-fields.ts).
 */
function applyPatch(r: ResourceRequest): HandlerResult {
  const config = decodeBody(r);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw badRequest('the object provided is unrecognized (must be of type map)');
  if (!config.kind) throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(config)}'`);
  if (!config.apiVersion) throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(config)}'`);
  checkTypeMeta(r, config);
  const m = config.metadata;
  if (m.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  m.name ??= r.name;
  if (m.name !== r.name) throw badRequest(`the name of the object (${m.name}) does not match the name on the URL (${r.name})`);
  if (r.type.namespaced && m.namespace && m.namespace !== r.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  pruneUnknown(r, config);
  const w = { ...writeOf(r), force: r.query.get('force') === 'true' };
  const old = collectionOf(r).objects.get(keyOf(r));
  if (!old) {
    if (r.subresource) throw notFound(r.type, r.name!);
    const created = apply(undefined, config, new Map(), w);
    const obj = { ...created.object, apiVersion: config.apiVersion, kind: config.kind, metadata: { ...created.object.metadata, name: r.name } };
    delete obj.metadata.resourceVersion;
    return { code: 201, body: createObject(r, obj, created.managers) };
  }
  const current = clone(present(r, old));
  const { object, managers } = apply(current, config, decodeManagers(old.metadata.managedFields), w);
  return { code: 200, body: updateObject(r, object, old, object.metadata?.resourceVersion ?? old.metadata.resourceVersion, managers) };
}

/** ValidatePatchOptions: an apply names its field manager; only an apply may force. */
function validatePatchOptions(r: ResourceRequest, type: string): void {
  const errs: FieldError[] = [];
  const force = r.query.get('force');
  if (type !== APPLY_PATCH && force !== null) errs.push({ type: 'Forbidden', field: 'force', detail: 'may not be specified for non-apply patch' });
  if (type === APPLY_PATCH && !r.query.get('fieldManager')) errs.push({ type: 'Required', field: 'fieldManager', detail: 'is required for apply patch' });
  if ((r.query.get('fieldManager') ?? '').length > 128) errs.push({ type: 'TooLong', field: 'fieldManager', detail: 'may not be more than 128 bytes' });
  if (errs.length) throw invalid('meta.k8s.io', 'PatchOptions', '', errs);
  if (force !== null && force !== 'true' && force !== 'false') throw badRequest(`force: Invalid value: ${JSON.stringify(force)}: strconv.ParseBool: parsing ${JSON.stringify(force)}: invalid syntax`);
}

/** Who writes, where: the fieldManager parameter, else the client's User-Agent up to its first `/` (managerOrUserAgent). */
function writeOf(r: ResourceRequest): Write {
  const manager = r.query.get('fieldManager') || header(r, 'user-agent').split('/')[0].slice(0, 128);
  return { manager, apiVersion: apiVersionOf(r.type.group, r.version), subresource: r.subresource, statusSubresource: r.type.statusSubresource, shape: rootShape(r.type, r.version) };
}

/** The owners an Update starts from: managedFields the request sets (not on a subresource), else the stored ones. */
function requestedManagers(r: ResourceRequest, requested: unknown, old: KubeObj | undefined): Managers {
  if (!r.subresource && Array.isArray(requested) && requested.length > 0) return decodeManagers(requested);
  return decodeManagers(old?.metadata.managedFields);
}

function setManagedFields(obj: KubeObj, managers: Managers): void {
  const entries = encodeManagers(managers);
  if (entries) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
}
