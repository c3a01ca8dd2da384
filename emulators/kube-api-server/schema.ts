/**
 * Structural OpenAPI v3 schemas of CRDs, applied as apiextensions-apiserver does on every write:
 * prune unknown fields, apply defaults, then validate with kube-openapi's messages and field paths
 * (`spec.rules[0].name: Required value`). Updates ratchet: unchanged values are not re-validated.
 */
import { OMIT, type FieldError } from './status-errors.ts';
import { clone, deepEqual } from './json-util.ts';

export interface StructuralSchema {
  type?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  required?: string[];
  properties?: Record<string, StructuralSchema>;
  additionalProperties?: StructuralSchema | boolean;
  items?: StructuralSchema;
  allOf?: StructuralSchema[];
  anyOf?: StructuralSchema[];
  oneOf?: StructuralSchema[];
  not?: StructuralSchema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

/** One CEL rule of `x-kubernetes-validations` (apiextensions.k8s.io/v1 ValidationRule). */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

type Json = any;

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ObjectMeta fields a typed decode keeps; anything else under metadata is dropped. */
const OBJECT_META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields',
]);

export function pruneObjectMeta(meta: Record<string, Json>): void {
  for (const k of Object.keys(meta)) if (!OBJECT_META_FIELDS.has(k)) delete meta[k];
}

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);

/**
 * Removes fields the schema does not declare (returns their paths, for `fieldValidation` warnings or errors),
 * and nulls of non-nullable fields that have no default.
 */
export function prune(value: Json, s: StructuralSchema, path = '', root = true, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    if (s.items) value.forEach((v, i) => prune(v, s.items!, `${path}[${i}]`, false, out));
    return out;
  }
  if (!isObject(value)) return out;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = root || s['x-kubernetes-embedded-resource'] === true;
  for (const key of Object.keys(value)) {
    if (embedded && (key === 'apiVersion' || key === 'kind')) continue;
    if (embedded && key === 'metadata') {
      if (isObject(value.metadata)) pruneObjectMeta(value.metadata);
      continue;
    }
    const prop = s.properties?.[key];
    const sub = prop ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub) {
      if (value[key] === null && prop && !sub.nullable && sub.default === undefined) {
        delete value[key];
        continue;
      }
      prune(value[key], sub, child(path, key), false, out);
    } else if (!preserve && s.additionalProperties !== true) {
      out.push(child(path, key));
      delete value[key];
    }
  }
  return out;
}

/** structuraldefaulting.Default: defaults fill absent (or null non-nullable) fields, then recurse into them. */
export function applyDefaults(value: Json, s: StructuralSchema): void {
  if (Array.isArray(value)) {
    if (s.items) for (const v of value) applyDefaults(v, s.items);
    return;
  }
  if (!isObject(value)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    if (prop.default === undefined) continue;
    if (!(k in value) || (value[k] === null && !prop.nullable)) value[k] = clone(prop.default);
  }
  for (const [k, v] of Object.entries(value)) {
    const sub = s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    if (sub) applyDefaults(v, sub);
  }
}

const regexCache = new Map<string, RegExp | null>();
function regex(pattern: string): RegExp | null {
  let r = regexCache.get(pattern);
  if (r === undefined) {
    try {
      r = new RegExp(pattern, 'u');
    } catch {
      r = null;
    }
    regexCache.set(pattern, r);
  }
  return r;
}

function jsonType(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  datetime: (s) => FORMATS['date-time'](s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  email: (s) => /^[^\s@]+@[^\s@]+$/.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
  hostname: (s) => s.length <= 255 && /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/.test(s),
  uri: (s) => URL.canParse(s),
};

/**
 * Validates `value` at `path`. With `old` (an update), a value deep-equal to its old counterpart is accepted
 * as it stands (CRD validation ratcheting, on by default since Kubernetes 1.30).
 */
export function validate(value: Json, s: StructuralSchema, path = '', old?: Json, hasOld = false): FieldError[] {
  if (hasOld && deepEqual(value, old)) return [];
  const errs: FieldError[] = [];
  const at = path || '<nil>';
  const msgName = path || '.';
  const actual = jsonType(value);

  if (value === null) {
    if (s.nullable || (!s.type && !s['x-kubernetes-int-or-string'])) return errs;
    const t = s['x-kubernetes-int-or-string'] ? 'integer,string' : s.type!;
    return [{ type: 'TypeInvalid', field: at, value: 'null', detail: `${msgName} in body must be of type ${t}: "null"` }];
  }
  if (s['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') return [{ type: 'TypeInvalid', field: at, value: actual, detail: `${msgName} in body must be of type integer,string: "${actual}"` }];
  } else if (s.type && !(s.type === actual || (s.type === 'number' && actual === 'integer'))) {
    return [{ type: 'TypeInvalid', field: at, value: actual, detail: `${msgName} in body must be of type ${s.type}: "${actual}"` }];
  }

  if (s.enum && !s.enum.some((e) => deepEqual(e, value))) {
    errs.push({ type: 'NotSupported', field: at, value, detail: `supported values: ${s.enum.map((e) => JSON.stringify(typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}` });
  }

  if (typeof value === 'string') {
    const len = [...value].length;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push({ type: 'TooLong', field: at, value, detail: `may not be more than ${s.maxLength} bytes` });
    if (s.minLength !== undefined && len < s.minLength) errs.push({ type: 'Invalid', field: at, value, detail: `${msgName} in body should be at least ${s.minLength} chars long` });
    if (s.pattern !== undefined && regex(s.pattern) && !regex(s.pattern)!.test(value)) errs.push({ type: 'Invalid', field: at, value, detail: `${msgName} in body should match '${s.pattern}'` });
    const fmt = s.format ? FORMATS[s.format] : undefined;
    if (fmt && !fmt(value)) errs.push({ type: 'TypeInvalid', field: at, value, detail: `${msgName} in body must be of type ${s.format}: ${JSON.stringify(value)}` });
  }

  if (typeof value === 'number') {
    if (s.maximum !== undefined && (s.exclusiveMaximum ? value >= s.maximum : value > s.maximum))
      errs.push({ type: 'Invalid', field: at, value, detail: `${msgName} in body should be less than ${s.exclusiveMaximum ? '' : 'or equal to '}${s.maximum}` });
    if (s.minimum !== undefined && (s.exclusiveMinimum ? value <= s.minimum : value < s.minimum))
      errs.push({ type: 'Invalid', field: at, value, detail: `${msgName} in body should be greater than ${s.exclusiveMinimum ? '' : 'or equal to '}${s.minimum}` });
    if (s.multipleOf && !Number.isInteger(value / s.multipleOf)) errs.push({ type: 'Invalid', field: at, value, detail: `${msgName} in body should be a multiple of ${s.multipleOf}` });
  }

  if (Array.isArray(value)) {
    const oldItems = hasOld && Array.isArray(old) ? old : undefined;
    if (s.items) value.forEach((v, i) => errs.push(...validate(v, s.items!, `${path}[${i}]`, ...correlate(s, v, oldItems))));
    if (s.maxItems !== undefined && value.length > s.maxItems) errs.push({ type: 'TooMany', field: at, value: value.length, detail: `must have at most ${s.maxItems} ${s.maxItems === 1 ? 'item' : 'items'}` });
    if (s.minItems !== undefined && value.length < s.minItems) errs.push({ type: 'Invalid', field: at, value: value.length, detail: `${msgName} in body should have at least ${s.minItems} items` });
    if (s.uniqueItems && hasDuplicates(value)) errs.push({ type: 'Invalid', field: at, value: OMIT, detail: `${msgName} in body shouldn't contain duplicates` });
    errs.push(...listTypeErrors(value, s, path));
  }

  if (isObject(value)) {
    const n = Object.keys(value).length;
    if (s.minProperties !== undefined && n < s.minProperties) errs.push({ type: 'Invalid', field: at, value: n, detail: `${msgName} in body should have at least ${s.minProperties} properties` });
    if (s.maxProperties !== undefined && n > s.maxProperties) errs.push({ type: 'TooMany', field: at, value: n, detail: `must have at most ${s.maxProperties} items` });
    const oldObj = hasOld && isObject(old) ? old : undefined;
    for (const [k, v] of Object.entries(value)) {
      if (!path && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      const sub = s.properties?.[k] ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
      if (sub) errs.push(...validate(v, sub, child(path, k), oldObj?.[k], !!oldObj && k in oldObj));
    }
    for (const r of s.required ?? []) if (!(r in value)) errs.push({ type: 'Required', field: child(path, r) });
  }

  errs.push(...combinatorErrors(value, s, path, at, msgName));
  return errs;
}

/** The old item an array element ratchets against: by map keys for map lists, none otherwise. */
export function correlate(s: StructuralSchema, v: Json, oldItems: Json[] | undefined): [Json, boolean] {
  const keys = s['x-kubernetes-list-map-keys'];
  if (!oldItems || s['x-kubernetes-list-type'] !== 'map' || !keys || !isObject(v)) return [undefined, false];
  const match = oldItems.find((o) => isObject(o) && keys.every((k) => deepEqual(o[k], v[k])));
  return [match, match !== undefined];
}

function hasDuplicates(items: Json[]): boolean {
  const seen = new Set<string>();
  for (const v of items) {
    const key = canonical(v);
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}

function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** x-kubernetes-list-type set/map: duplicate elements (or keys) are `Duplicate value` errors. */
function listTypeErrors(items: Json[], s: StructuralSchema, path: string): FieldError[] {
  const type = s['x-kubernetes-list-type'];
  if (type !== 'set' && type !== 'map') return [];
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  items.forEach((v, i) => {
    const keyed = type === 'map' && isObject(v) ? Object.fromEntries(keys.filter((k) => k in v).map((k) => [k, v[k]])) : v;
    const c = canonical(keyed);
    if (seen.has(c)) errs.push({ type: 'Duplicate', field: `${path}[${i}]`, value: keyed });
    seen.add(c);
  });
  return errs;
}

function combinatorErrors(value: Json, s: StructuralSchema, path: string, at: string, msgName: string): FieldError[] {
  const errs: FieldError[] = [];
  const passes = (sub: StructuralSchema) => validate(value, sub, path).length === 0;
  for (const sub of s.allOf ?? []) errs.push(...validate(value, sub, path));
  if (s.anyOf && !s.anyOf.some(passes)) errs.push({ type: 'Invalid', field: at, value: OMIT, detail: `${msgName} in body must validate at least one schema (anyOf)` });
  if (s.oneOf && s.oneOf.filter(passes).length !== 1) errs.push({ type: 'Invalid', field: at, value: OMIT, detail: `${msgName} in body must validate one and only one schema (oneOf)` });
  if (s.not && passes(s.not)) errs.push({ type: 'Invalid', field: at, value: OMIT, detail: `${msgName} in body must not validate the schema (not)` });
  return errs;
}
