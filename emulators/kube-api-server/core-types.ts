/**
 * The core/v1 kinds apim-sync reads or writes (Secrets, ConfigMaps, Events, Namespaces; Pods and Services in
 * pods-services.ts), with the registry
 * strategies of kube-apiserver's pkg/registry/core that clients can observe.
 */
import { badRequest, type FieldError } from './status-errors.ts';
import type { KubeObj, ResourceType } from './resource-type.ts';
import { col, coreStrategy } from './core-strategy.ts';
import { age } from './table.ts';
import { dataKeyErrors } from './object-meta.ts';
import { podStrategy, serviceStrategy } from './pods-services.ts';

function coreType(t: Omit<ResourceType, 'group' | 'listKind' | 'custom' | 'categories' | 'statusSubresource' | 'versions'> & Partial<ResourceType>): ResourceType {
  return { group: '', listKind: `${t.kind}List`, custom: false, categories: [], statusSubresource: false, versions: [{ name: 'v1', printerColumns: [] }], ...t };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const secretStrategy = coreStrategy({
  knownFields: ['data', 'stringData', 'type', 'immutable'],
  // v1 -> internal conversion: stringData is write-only and wins over data (core/v1 conversion.go).
  normalize(obj) {
    const data: Record<string, string> = { ...(obj.data ?? {}) };
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string' || !BASE64.test(v)) throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0`);
      data[k] = v;
    }
    for (const [k, v] of Object.entries((obj.stringData ?? {}) as Record<string, unknown>)) data[k] = Buffer.from(String(v)).toString('base64');
    delete obj.stringData;
    if (Object.keys(data).length) obj.data = data;
    else delete obj.data;
    obj.type ??= 'Opaque';
  },
  validate(obj, old) {
    const errs = dataKeyErrors(obj.data, 'data');
    if (old && obj.type !== old.type) errs.push({ type: 'Invalid', field: 'type', value: obj.type, detail: 'field is immutable' });
    if (old?.immutable === true) {
      if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {})) errs.push({ type: 'Forbidden', field: 'data', detail: 'field is immutable when `immutable` is set' });
      if (obj.immutable !== true) errs.push({ type: 'Forbidden', field: 'immutable', detail: 'field is immutable when `immutable` is set' });
    }
    return errs;
  },
  fieldLabels: (o) => ({ type: o.type ?? '' }),
  table: {
    columns: [col('Name', 'string', 'name'), col('Type', 'string'), col('Data', 'string'), col('Age', 'string')],
    cells: (o) => [o.metadata.name, o.type, Object.keys(o.data ?? {}).length, age(o)],
  },
});

const configMapStrategy = coreStrategy({
  knownFields: ['data', 'binaryData', 'immutable'],
  validate(obj, old) {
    const errs = [...dataKeyErrors(obj.data, 'data'), ...dataKeyErrors(obj.binaryData, 'binaryData')];
    if (old?.immutable === true && (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {}) || obj.immutable !== true))
      errs.push({ type: 'Forbidden', field: 'data', detail: 'field is immutable when `immutable` is set' });
    return errs;
  },
  table: {
    columns: [col('Name', 'string', 'name'), col('Data', 'string'), col('Age', 'string')],
    cells: (o) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o)],
  },
});

/** metav1.Time has second precision: a fractional timestamp written by a client is stored truncated. */
const toSeconds = (ts: unknown) => (typeof ts === 'string' && !Number.isNaN(Date.parse(ts)) ? new Date(Math.floor(Date.parse(ts) / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : ts);

const eventStrategy = coreStrategy({
  normalize(obj) {
    for (const k of ['firstTimestamp', 'lastTimestamp']) if (obj[k] != null) obj[k] = toSeconds(obj[k]);
  },
  knownFields: [
    'involvedObject', 'reason', 'message', 'source', 'firstTimestamp', 'lastTimestamp', 'count', 'type', 'eventTime', 'series', 'action', 'related',
    'reportingComponent', 'reportingInstance',
  ],
  allowCreateOnUpdate: true,
  validate(obj) {
    const errs: FieldError[] = [];
    const ns = obj.involvedObject?.namespace;
    if (ns && ns !== obj.metadata.namespace) errs.push({ type: 'Invalid', field: 'involvedObject.namespace', value: ns, detail: 'does not match event.namespace' });
    return errs;
  },
  fieldLabels: (o) => ({
    'involvedObject.kind': o.involvedObject?.kind ?? '',
    'involvedObject.namespace': o.involvedObject?.namespace ?? '',
    'involvedObject.name': o.involvedObject?.name ?? '',
    'involvedObject.uid': o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': o.involvedObject?.fieldPath ?? '',
    reason: o.reason ?? '',
    reportingComponent: o.reportingComponent ?? '',
    source: o.source?.component ?? '',
    type: o.type ?? '',
  }),
  table: {
    columns: [col('Last Seen', 'string'), col('Type', 'string'), col('Reason', 'string'), col('Object', 'string'), col('Message', 'string')],
    cells: (o) => [
      o.lastTimestamp ? age({ metadata: { creationTimestamp: o.lastTimestamp } }) : age(o),
      o.type ?? '',
      o.reason ?? '',
      `${String(o.involvedObject?.kind ?? '').toLowerCase()}/${o.involvedObject?.name ?? ''}`,
      o.message ?? '',
    ],
  },
});

const namespaceStrategy = coreStrategy({
  knownFields: ['spec', 'status'],
  deleteReturnsObject: true,
  // spec.finalizers is set on create and changed only through /finalize; phase is the server's.
  normalize(obj, old) {
    obj.spec = old ? old.spec : { finalizers: ['kubernetes'] };
    obj.status = old ? old.status : { phase: 'Active' };
    // Since 1.21 every namespace carries its own name as an immutable label.
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  },
  fieldLabels: (o) => ({ 'status.phase': o.status?.phase ?? '' }),
  table: {
    columns: [col('Name', 'string', 'name'), col('Status', 'string'), col('Age', 'string')],
    cells: (o) => [o.metadata.name, o.status?.phase ?? '', age(o)],
  },
});

export function coreResourceTypes(): ResourceType[] {
  return [
    coreType({ resource: 'secrets', singular: 'secret', kind: 'Secret', shortNames: [], namespaced: true, strategy: secretStrategy }),
    coreType({ resource: 'configmaps', singular: 'configmap', kind: 'ConfigMap', shortNames: ['cm'], namespaced: true, strategy: configMapStrategy }),
    coreType({ resource: 'events', singular: 'event', kind: 'Event', shortNames: ['ev'], namespaced: true, strategy: eventStrategy }),
    coreType({
      resource: 'pods',
      singular: 'pod',
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
      namespaced: true,
      statusSubresource: true,
      strategy: podStrategy,
      connectSubresources: [{ name: 'portforward', verbs: ['create', 'get'] }],
    }),
    coreType({
      resource: 'services',
      singular: 'service',
      kind: 'Service',
      shortNames: ['svc'],
      categories: ['all'],
      namespaced: true,
      statusSubresource: true,
      strategy: serviceStrategy,
      connectSubresources: [{ name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
    }),
    coreType({ resource: 'namespaces', singular: 'namespace', kind: 'Namespace', shortNames: ['ns'], namespaced: false, statusSubresource: true, strategy: namespaceStrategy }),
  ];
}

/** Namespaces a fresh cluster has; kubectl and clients assume `default` exists. */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function isNamespaceType(t: ResourceType): boolean {
  return t.group === '' && t.resource === 'namespaces';
}

export function namespaceObject(name: string): KubeObj {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
