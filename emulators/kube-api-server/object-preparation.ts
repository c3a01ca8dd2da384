/**
 * What happens to a written object before it is stored, in apiserver order: decode-time pruning and defaulting,
 * the strategy's PrepareForCreate/PrepareForUpdate, then validation (ObjectMeta, OpenAPI schema, kind rules).
 */
import { invalid, badRequest, type FieldError } from './status-errors.ts';
import { applyDefaults, prune, pruneObjectMeta, validate } from './schema.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { isNamespaceType } from './core-types.ts';
import { deepEqual, withoutKeys } from './json-util.ts';
import { celErrors, hasCelRules, isBlocking, RULES_NOT_CHECKED } from './cel-validation.ts';
import type { ResourceRequest } from './request-context.ts';
import type { KubeObj } from './resource-type.ts';

const schemaOf = (r: ResourceRequest) => r.type.versions.find((v) => v.name === r.version)?.schema;

/** Drops undeclared fields (reported per fieldValidation: Strict fails, Warn adds Warning headers) and applies defaults. */
export function decodeInto(r: ResourceRequest, obj: KubeObj): void {
  pruneUnknown(r, obj);
  const schema = schemaOf(r);
  if (schema) applyDefaults(obj, schema);
}

/** Drops undeclared fields only: an applied configuration is not defaulted (defaults are nobody's fields). */
export function pruneUnknown(r: ResourceRequest, obj: KubeObj): void {
  if (obj.metadata && typeof obj.metadata === 'object') pruneObjectMeta(obj.metadata);
  const schema = schemaOf(r);
  const unknown = schema ? prune(obj, schema) : pruneTopLevel(obj, r.type.strategy.knownFields);
  const mode = r.query.get('fieldValidation') ?? 'Warn';
  if (unknown.length && mode === 'Strict') throw badRequest(`strict decoding error: ${unknown.map((p) => `unknown field "${p}"`).join(', ')}`);
  if (mode === 'Warn') r.warnings.push(...unknown.map((p) => `unknown field "${p}"`));
}

function pruneTopLevel(obj: KubeObj, known: string[] | undefined): string[] {
  if (!known) return [];
  const dropped: string[] = [];
  for (const k of Object.keys(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || known.includes(k)) continue;
    dropped.push(k);
    delete obj[k];
  }
  return dropped;
}

/** PrepareForCreate: server-owned fields reset, status dropped where /status owns it, generation 1. */
export function prepareForCreate(r: ResourceRequest, obj: KubeObj): void {
  const t = r.type;
  const m = obj.metadata;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.managedFields;
  delete m.selfLink;
  delete m.generation;
  if (t.custom && t.statusSubresource) delete obj.status;
  if (t.strategy.generation) m.generation = 1;
  t.strategy.normalize?.(obj, undefined);
}

/**
 * PrepareForUpdate plus BeforeUpdate: writes to /status keep everything but status, writes to the main resource keep
 * the old status; server-owned metadata is carried over; generation follows non-metadata changes.
 */
export function prepareForUpdate(r: ResourceRequest, incoming: KubeObj, old: KubeObj): KubeObj {
  const t = r.type;
  let next: KubeObj;
  if (r.subresource === 'status') {
    next = { ...old, metadata: { ...old.metadata } };
    if ('status' in incoming) next.status = incoming.status;
    else delete next.status;
    t.strategy.normalizeStatus?.(next);
  } else if (r.subresource === 'finalize') {
    // namespaces/{name}/finalize: only spec.finalizers changes.
    next = { ...old, metadata: { ...old.metadata }, spec: { ...old.spec, finalizers: incoming.spec?.finalizers ?? [] } };
  } else {
    next = incoming;
    if (t.statusSubresource) {
      if ('status' in old) next.status = old.status;
      else delete next.status;
    }
    t.strategy.normalize?.(next, old);
  }
  const m = next.metadata;
  const o = old.metadata;
  // Cluster-scoped objects have no namespace key at all (a key holding undefined would make a no-op write look new).
  if (o.namespace !== undefined) m.namespace = o.namespace;
  else delete m.namespace;
  m.uid ||= o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds === undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  delete m.managedFields;
  delete m.selfLink;
  if (o.generation !== undefined) m.generation = o.generation;
  else delete m.generation;
  if (t.strategy.generation && r.subresource !== 'status' && !deepEqual(withoutKeys(next, ['metadata']), withoutKeys(old, ['metadata']))) m.generation = (o.generation ?? 0) + 1;
  return next;
}

/** ObjectMeta, schema and kind validation; the error names the object as `Kind.group "name" is invalid: ...`. */
export function validateObject(r: ResourceRequest, obj: KubeObj, old?: KubeObj): void {
  const t = r.type;
  const errs: FieldError[] = [...validateObjectMeta(obj, t.namespaced, isNamespaceType(t))];
  if (old) errs.push(...validateObjectMetaUpdate(obj, old));
  const schema = schemaOf(r);
  if (schema) errs.push(...validate(withoutKeys(obj, ['metadata', 'apiVersion', 'kind']), schema, '', old && withoutKeys(old, ['metadata', 'apiVersion', 'kind']), !!old));
  // x-kubernetes-validations run only on an object that passed the checks CEL relies on (types, required, enums).
  if (schema && hasCelRules(schema)) errs.push(...(errs.some(isBlocking) ? [RULES_NOT_CHECKED] : celErrors(obj, schema, '', old, !!old)));
  errs.push(...(t.strategy.validate?.(obj, old) ?? []));
  if (errs.length) throw invalid(t.group, t.kind, obj.metadata?.name ?? obj.metadata?.generateName ?? '', errs);
}
