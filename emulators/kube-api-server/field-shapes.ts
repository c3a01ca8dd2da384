/**
 * What structured-merge-diff needs of a schema to merge and to track field ownership: which objects are structs (their
 * fields are not owned themselves), maps of elements (owned key by key) or atomic, and which lists are atomic, sets,
 * or maps keyed by some of their items' fields. From a CRD's structural schema (x-kubernetes-list-type,
 * -list-map-keys, -map-type, additionalProperties), from ObjectMeta's and the served built-in kinds' Go tags; what no
 * schema describes (preserve-unknown-fields) is deduced as SMD does (objects maps of elements, lists atomic).
 */
import type { StructuralSchema } from './schema.ts';
import type { ResourceType } from './resource-type.ts';

export type Shape =
  | { kind: 'scalar' }
  /** `declared`: a struct field (its path is not owned itself), else a map element (owned, as labels' keys are). */
  | { kind: 'map'; atomic: boolean; field(name: string): Shape; declared(name: string): boolean }
  /** `keyDefaults`: values a key field takes when an item omits it (its schema default, e.g. a port's protocol). */
  | { kind: 'list'; listType: 'atomic' | 'set' | 'map'; keys: string[]; keyDefaults: Record<string, unknown>; item: Shape }
  /** Known by its value only (SMD's deduced type): objects maps, arrays atomic lists. `struct`: its objects are structs. */
  | { kind: 'deduced'; struct?: (name: string) => Shape };

const SCALAR: Shape = { kind: 'scalar' };
const DEDUCED: Shape = { kind: 'deduced' };
/** A struct: its fields are declared. */
const granular = (field: (name: string) => Shape): Shape => ({ kind: 'map', atomic: false, field, declared: () => true });

export type Resolved = Exclude<Shape, { kind: 'deduced' }>;
const DEDUCED_MAP: Resolved = { kind: 'map', atomic: false, field: () => DEDUCED, declared: () => false };
const ATOMIC_LIST: Resolved = { kind: 'list', listType: 'atomic', keys: [], keyDefaults: {}, item: DEDUCED };

/**
 * The shape of a value: deduced shapes follow the value (objects granular maps, arrays atomic lists, the rest
 * scalars), and so does a value that does not fit its schema (validation refuses it later).
 */
export function resolve(shape: Shape, value: unknown): Resolved {
  const isMap = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (shape.kind === 'deduced') {
    if (Array.isArray(value)) return ATOMIC_LIST;
    if (isMap) return shape.struct ? (granular(shape.struct) as Resolved) : DEDUCED_MAP;
    return SCALAR as Resolved;
  }
  if ((shape.kind === 'map' && !isMap) || (shape.kind === 'list' && !Array.isArray(value))) return SCALAR as Resolved;
  return shape;
}

/**
 * What the Go types of the built-in kinds say, by field path (`spec.containers.ports`, list indices left out): keyed
 * lists (`+listType=map`), sets, and maps of elements (`map[string]string`, owned key by key). Everything else is a
 * struct (its fields are not owned themselves) or an atomic list.
 */
type Tags = Record<string, string[] | 'set' | 'elements'>;

/** ObjectMeta: labels and annotations are maps of elements, finalizers a set, ownerReferences keyed by uid. */
const OBJECT_META: Tags = { labels: 'elements', annotations: 'elements', finalizers: 'set', ownerReferences: ['uid'] };

const CONTAINER = (path: string): Tags => ({
  [path]: ['name'],
  [`${path}.ports`]: ['containerPort', 'protocol'],
  [`${path}.env`]: ['name'],
  [`${path}.volumeMounts`]: ['mountPath'],
  [`${path}.resources.limits`]: 'elements',
  [`${path}.resources.requests`]: 'elements',
});

/** The built-in kinds served here (k8s.io/api/core/v1 and apiextensions.k8s.io/v1 tags). */
const BUILT_IN: Record<string, Tags> = {
  pods: {
    ...CONTAINER('spec.containers'),
    ...CONTAINER('spec.initContainers'),
    'spec.volumes': ['name'],
    'spec.imagePullSecrets': ['name'],
    'spec.nodeSelector': 'elements',
    'spec.overhead': 'elements',
    'status.conditions': ['type'],
    'status.podIPs': ['ip'],
  },
  services: { 'spec.ports': ['port', 'protocol'], 'spec.selector': 'elements' },
  namespaces: { 'status.conditions': ['type'] },
  configmaps: { data: 'elements', binaryData: 'elements' },
  secrets: { data: 'elements', stringData: 'elements' },
};

/** Defaults of key fields the core types declare (a port's protocol). */
const PROTOCOL_TCP = { protocol: 'TCP' };

/** The root shape of one resource type's objects in one served version. */
export function rootShape(type: ResourceType, version: string): Shape {
  const schema = type.custom ? type.versions.find((v) => v.name === version)?.schema : undefined;
  const tags = BUILT_IN[type.resource] ?? {};
  return granular((name) => {
    if (name === 'metadata') return typedShape(OBJECT_META, '');
    if (schema) return fieldOf(schema, name);
    return type.custom ? DEDUCED : typedShape(tags, name);
  });
}

/** A built-in type's field: tagged lists and element maps as tagged, other objects structs, other lists atomic. */
function typedShape(tags: Tags, path: string): Shape {
  const tag = tags[path];
  const under = (name: string) => (path ? `${path}.${name}` : name);
  if (tag === 'set') return { kind: 'list', listType: 'set', keys: [], keyDefaults: {}, item: SCALAR };
  if (tag === 'elements') return DEDUCED_MAP;
  if (tag) {
    const keyDefaults = tag.includes('protocol') ? PROTOCOL_TCP : {};
    return { kind: 'list', listType: 'map', keys: tag, keyDefaults, item: granular((name) => typedShape(tags, under(name))) };
  }
  return { kind: 'deduced', struct: (name) => typedShape(tags, under(name)) };
}

/** A field of a CRD schema object: declared, else additionalProperties, else (preserve-unknown-fields) deduced. */
function fieldOf(s: StructuralSchema, name: string): Shape {
  const declared = s.properties?.[name];
  if (declared) return fromSchema(declared);
  return typeof s.additionalProperties === 'object' ? fromSchema(s.additionalProperties) : DEDUCED;
}

function fromSchema(s: StructuralSchema): Shape {
  const x = s as StructuralSchema & { 'x-kubernetes-map-type'?: string };
  if (x['x-kubernetes-int-or-string']) return SCALAR;
  if (x.type === 'array') {
    const listType = x['x-kubernetes-list-type'] ?? 'atomic';
    const keys = listType === 'map' ? (x['x-kubernetes-list-map-keys'] ?? []) : [];
    const keyDefaults = Object.fromEntries(keys.flatMap((k) => (x.items?.properties?.[k]?.default !== undefined ? [[k, x.items.properties[k].default]] : [])));
    return { kind: 'list', listType, keys, keyDefaults, item: x.items ? fromSchema(x.items) : DEDUCED };
  }
  if (x.type === 'object' || x.properties || x.additionalProperties) {
    return { kind: 'map', atomic: x['x-kubernetes-map-type'] === 'atomic', field: (name) => fieldOf(x, name), declared: (name) => !!x.properties?.[name] };
  }
  return x.type ? SCALAR : DEDUCED;
}
