/**
 * PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902, errors worded like evanphx/json-patch that
 * kube-apiserver uses) and a strategic merge patch good enough for the core kinds served here.
 */
import { badRequest, genericStatus } from './status-errors.ts';
import { deepEqual, clone } from './json-util.ts';

type Json = any;
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface Op {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function decodePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`JSON pointer must be empty or start with a "/": ${p}`);
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

class PatchFailure extends Error {}

/** Applies RFC 6902 operations; malformed patches are 400, failing operations 422 as kube-apiserver answers. */
export function jsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let cur = clone(doc);
  try {
    for (const raw of ops as Op[]) {
      if (!isObject(raw) || typeof raw.op !== 'string') throw badRequest(`Unexpected kind: ${(raw as Op)?.op}`);
      cur = applyOp(cur, raw);
    }
  } catch (e) {
    if (e instanceof PatchFailure) throw genericStatus(422, e.message);
    throw e;
  }
  return cur;
}

function parentOf(doc: Json, path: string[], op: string, raw: string): [Json, string] {
  let node = doc;
  for (const seg of path.slice(0, -1)) {
    const next = Array.isArray(node) ? node[Number(seg)] : isObject(node) ? node[seg] : undefined;
    if (next === undefined || next === null || typeof next !== 'object')
      throw new PatchFailure(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
    node = next;
  }
  return [node, path[path.length - 1]];
}

function getAt(doc: Json, raw: string, op: string): Json {
  let node = doc;
  for (const seg of decodePointer(raw)) {
    const next = Array.isArray(node) ? node[Number(seg)] : isObject(node) ? node[seg] : undefined;
    if (next === undefined) throw new PatchFailure(`${op} operation does not apply: doc is missing path: "${raw}": missing value`);
    node = next;
  }
  return node;
}

function applyOp(doc: Json, o: Op): Json {
  const path = decodePointer(o.path ?? '');
  switch (o.op) {
    case 'add':
      return add(doc, path, clone(o.value), o.path);
    case 'remove':
      return remove(doc, path, o.path);
    case 'replace': {
      if (path.length === 0) return clone(o.value);
      const [parent, key] = parentOf(doc, path, 'replace', o.path);
      if (Array.isArray(parent)) {
        const i = Number(key);
        if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw new PatchFailure(`replace operation does not apply: doc is missing key: ${o.path}: missing value`);
        parent[i] = clone(o.value);
      } else {
        if (!(key in parent)) throw new PatchFailure(`replace operation does not apply: doc is missing key: ${o.path}: missing value`);
        parent[key] = clone(o.value);
      }
      return doc;
    }
    case 'move': {
      const v = getAt(doc, o.from ?? '', 'move');
      return add(remove(doc, decodePointer(o.from ?? ''), o.from ?? ''), path, v, o.path);
    }
    case 'copy':
      return add(doc, path, clone(getAt(doc, o.from ?? '', 'copy')), o.path);
    case 'test': {
      let actual: Json;
      try {
        actual = getAt(doc, o.path, 'test');
      } catch {
        actual = undefined;
      }
      if (!deepEqual(actual ?? null, o.value ?? null) || (actual === undefined && o.value !== null))
        throw new PatchFailure(`testing value ${o.path} failed: test failed`);
      return doc;
    }
    default:
      throw badRequest(`Unexpected kind: ${o.op}`);
  }
}

function add(doc: Json, path: string[], value: Json, raw: string): Json {
  if (path.length === 0) return value;
  const [parent, key] = parentOf(doc, path, 'add', raw);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length) throw new PatchFailure(`add operation does not apply: doc is missing path: "${raw}": missing value`);
    parent.splice(i, 0, value);
  } else parent[key] = value;
  return doc;
}

function remove(doc: Json, path: string[], raw: string): Json {
  if (path.length === 0) return null;
  const [parent, key] = parentOf(doc, path, 'remove', raw);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw new PatchFailure(`error in remove for path: '${raw}': Unable to remove nonexistent key: ${key}: missing value`);
    parent.splice(i, 1);
  } else {
    if (!(key in parent)) throw new PatchFailure(`error in remove for path: '${raw}': Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

/** Lists merged by key instead of replaced, per the core types' patchStrategy tags (path of the list: merge key). */
const MERGE_LISTS: Record<string, string | true> = {
  'metadata.finalizers': true,
  'metadata.ownerReferences': 'uid',
  // Pod, Namespace and Service conditions; Pod containers and their ports; Service ports.
  'status.conditions': 'type',
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.containers.ports': 'containerPort',
  'spec.ports': 'port',
};

/**
 * Strategic merge patch for the core kinds served here: a merge patch, except that the lists of MERGE_LISTS merge as
 * their struct tags say, and `$patch`/`$deleteFromPrimitiveList`/
 * `$setElementOrder`/`$retainKeys` directives (sent by kubectl apply) are honoured or dropped.
 */
export function strategicMergePatch(target: Json, patch: Json, path: string[] = []): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[field]) && Array.isArray(v)) out[field] = out[field].filter((x: Json) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    if (k.startsWith('$')) continue;
    const listKey = MERGE_LISTS[[...path, k].join('.')];
    if (v === null) delete out[k];
    else if (listKey && Array.isArray(v)) out[k] = mergeList(Array.isArray(out[k]) ? out[k] : [], v, listKey, [...path, k]);
    else {
      const merged = strategicMergePatch(out[k], v, [...path, k]);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

function mergeList(current: Json[], patch: Json[], key: string | true, path: string[]): Json[] {
  const out = [...current];
  for (const item of patch) {
    if (key === true) {
      if (!out.some((x) => deepEqual(x, item))) out.push(item);
      continue;
    }
    const i = out.findIndex((x) => isObject(x) && isObject(item) && x[key] === item[key]);
    if (isObject(item) && item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], item, path);
    else out.push(item);
  }
  return out;
}
