/**
 * metadata.managedFields and server-side apply, as kube-apiserver's fieldmanager and structured-merge-diff do them:
 * every write records which manager owns which fields (Update entries, per manager, API version and subresource), an
 * apply merges the manager's configuration, removes what that manager applied before and no applier still claims,
 * and refuses (409) to change a field another manager owns unless forced, which moves the ownership.
 */
import { ApiError } from './status-errors.ts';
import { FieldSet, fieldElement, pathString, type PathElement } from './field-set.ts';
import type { Shape } from './field-shapes.ts';
import { compare, merge, removeItems, toFieldSet } from './structured-merge.ts';
import { deepEqual } from './json-util.ts';
import { nowTimestamp } from './object-meta.ts';
import type { KubeObj } from './resource-type.ts';

type Operation = 'Apply' | 'Update';

interface Owner {
  manager: string;
  operation: Operation;
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Owners by identity: manager, operation, subresource, and for Update entries the API version (BuildManagerIdentifier). */
export type Managers = Map<string, Owner>;

const identity = (o: Pick<Owner, 'manager' | 'operation' | 'apiVersion' | 'subresource'>) =>
  JSON.stringify({ manager: o.manager, operation: o.operation, ...(o.operation === 'Update' ? { apiVersion: o.apiVersion } : {}), ...(o.subresource ? { subresource: o.subresource } : {}) });

/** Fields no manager owns (stripmeta.go): type meta and the ObjectMeta the server sets. */
const STRIPPED: PathElement[][] = [
  ['f:apiVersion'],
  ['f:kind'],
  ['f:metadata'],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`]),
];
const STATUS: PathElement[] = [fieldElement('status')];

/** Where a write may own fields: the main resource of a status-split kind does not own status, /status only status. */
export interface WriteScope {
  subresource?: string;
  statusSubresource: boolean;
}

function owned(set: FieldSet, scope: WriteScope): FieldSet {
  const kept = set.without(STRIPPED);
  if (scope.subresource === 'status') return kept.onlyUnder(STATUS);
  return scope.statusSubresource ? kept.withoutPrefixes([STATUS]) : kept;
}

/** The owners an object's managedFields record; entries that cannot be read are dropped. */
export function decodeManagers(entries: unknown): Managers {
  const out: Managers = new Map();
  if (!Array.isArray(entries)) return out;
  for (const e of entries) {
    if (!e || typeof e !== 'object') continue;
    const { manager = '', operation, apiVersion = '', subresource, time, fieldsV1 } = e as Record<string, any>;
    if (operation !== 'Apply' && operation !== 'Update') continue;
    const owner: Owner = { manager, operation, apiVersion, subresource: subresource || undefined, time, set: FieldSet.fromFieldsV1(fieldsV1) };
    if (!owner.set.empty()) out.set(identity(owner), owner);
  }
  return out;
}

/** managedFields as kube-apiserver writes them: appliers first, then by time, manager, API version, subresource. */
export function encodeManagers(managers: Managers): KubeObj[] | undefined {
  const owners = [...managers.values()].filter((o) => !o.set.empty());
  if (owners.length === 0) return undefined;
  const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  owners.sort((a, b) => cmp(a.operation, b.operation) || cmp(a.time, b.time) || cmp(a.manager, b.manager) || cmp(a.apiVersion, b.apiVersion) || cmp(a.subresource, b.subresource));
  return owners.map((o) => ({
    manager: o.manager,
    operation: o.operation,
    apiVersion: o.apiVersion,
    ...(o.time ? { time: o.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: o.set.toFieldsV1(),
    ...(o.subresource ? { subresource: o.subresource } : {}),
  }));
}

export interface Write extends WriteScope {
  manager: string;
  apiVersion: string;
  shape: Shape;
}

/**
 * An Update (create, PUT, non-apply PATCH): the fields it changed become its manager's, taken from any other owner;
 * fields it removed are nobody's. The entry's time moves only when it took something.
 */
export function recordUpdate(live: KubeObj | undefined, next: KubeObj, managers: Managers, w: Write): Managers {
  const c = compare(live ?? {}, next, w.shape);
  const changed = owned(c.modified.union(c.added), w);
  const removed = owned(c.removed, w);
  const out: Managers = new Map();
  for (const [id, o] of managers) {
    const set = o.set.difference(changed).difference(removed);
    if (!set.empty()) out.set(id, { ...o, set });
  }
  const taken = changed.difference(removed);
  if (!taken.empty()) {
    const mine = { manager: w.manager, operation: 'Update' as const, apiVersion: w.apiVersion, subresource: w.subresource };
    const id = identity(mine);
    out.set(id, { ...mine, time: nowTimestamp(), set: (out.get(id)?.set ?? new FieldSet()).union(taken) });
  }
  return out;
}

/**
 * An apply: the configuration merged into the live object (or into nothing: a create), then what this manager applied
 * last time and no applier claims now removed. Fields whose value changes and another manager owns are conflicts:
 * refused with 409 unless forced, in which case they become the applier's.
 */
export function apply(live: KubeObj | undefined, config: KubeObj, managers: Managers, w: Write & { force: boolean }): { object: KubeObj; managers: Managers } {
  const mine = { manager: w.manager, operation: 'Apply' as const, apiVersion: w.apiVersion, subresource: w.subresource };
  const id = identity(mine);
  const previous = managers.get(id);
  config = withoutResetFields(config, w);
  const applied = owned(toFieldSet(config, w.shape), w);
  let object = merge(live ?? {}, config, w.shape);
  const next: Managers = new Map(managers);
  next.set(id, { ...mine, time: previous?.time, set: applied });
  if (previous) {
    let claimed = new FieldSet();
    for (const o of next.values()) if (o.operation === 'Apply') claimed = claimed.union(o.set);
    const dropped = previous.set.difference(claimed);
    if (!dropped.empty()) object = removeItems(object, dropped, w.shape) ?? {};
  }
  const c = compare(live ?? {}, object, w.shape);
  const changed = owned(c.modified.union(c.added), w);
  const removed = owned(c.removed, w);
  const conflicts: { owner: string; path: PathElement[] }[] = [];
  for (const [other, o] of next) {
    if (other === id) continue;
    for (const path of o.set.intersection(changed).paths()) conflicts.push({ owner: other, path });
  }
  if (conflicts.length && !w.force) throw applyConflict(conflicts);
  for (const [other, o] of next) {
    if (other === id) continue;
    const set = o.set.difference(changed).difference(removed);
    if (set.empty()) next.delete(other);
    else next.set(other, { ...o, set });
  }
  if (!previous || !deepEqual(live, object)) next.set(id, { ...next.get(id)!, time: nowTimestamp() });
  return { object, managers: next };
}

/** ObjectMeta the server sets, whatever a configuration says (controller-gen writes `creationTimestamp: null`). */
const SERVER_METADATA = ['creationTimestamp', 'selfLink', 'uid', 'generation', 'clusterName', 'deletionTimestamp', 'deletionGracePeriodSeconds'];

/**
 * The configuration without what the server sets or the write's strategy resets anyway (status on the main resource
 * of a status-split kind, all but status on /status), so a CRD manifest with `creationTimestamp: null` and an empty
 * `status:` stanza, as controller-gen writes them, re-applies as a no-op.
 */
function withoutResetFields(config: KubeObj, scope: WriteScope): KubeObj {
  const metadata = { ...config.metadata };
  for (const f of SERVER_METADATA) delete metadata[f];
  if (scope.subresource === 'status') return { apiVersion: config.apiVersion, kind: config.kind, metadata, ...('status' in config ? { status: config.status } : {}) };
  const { status: _reset, ...rest } = config;
  return scope.statusSubresource ? { ...rest, metadata } : { ...config, metadata };
}

/** errors.NewApplyConflict with kube-apiserver's message and one FieldManagerConflict cause per field. */
function applyConflict(conflicts: { owner: string; path: PathElement[] }[]): ApiError {
  const who = (owner: string) => {
    const o = JSON.parse(owner) as Owner;
    let s = JSON.stringify(o.manager);
    if (o.subresource) s += ` with subresource ${JSON.stringify(o.subresource)}`;
    return o.operation === 'Update' ? `${s} using ${o.apiVersion}` : s;
  };
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${who(conflicts[0].owner)}: ${pathString(conflicts[0].path)}`;
  else {
    const lines: string[] = [];
    for (const owner of [...new Set(conflicts.map((c) => c.owner))].sort()) {
      lines.push(`conflicts with ${who(owner)}:`);
      for (const c of conflicts.filter((x) => x.owner === owner)) lines.push(`- ${pathString(c.path)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${who(c.owner)}`, field: pathString(c.path) }));
  return new ApiError(409, 'Conflict', message, { causes });
}
