/**
 * CustomResourceDefinitions: the apiextensions.k8s.io/v1 resource itself, and the resource type each CRD
 * turns into once established (served versions, schema, printer columns, status subresource).
 */
import { APPLY_PATCH, JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, type KubeObj, type ResourceType, type ServedVersion, type Strategy } from './resource-type.ts';
import type { FieldError } from './status-errors.ts';
import { compareVersions } from './version-priority.ts';
import { nowTimestamp } from './object-meta.ts';
import { age } from './table.ts';
import { celSchemaErrors } from './cel-validation.ts';

export const CRD_GROUP = 'apiextensions.k8s.io';
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** Custom resources: generation tracking, no unconditional update, no strategic merge (apiextensions' strategy). */
const customResourceStrategy: Strategy = {
  generation: true,
  allowUnconditionalUpdate: false,
  allowCreateOnUpdate: false,
  deleteReturnsObject: false,
  patchTypes: [JSON_PATCH, MERGE_PATCH, APPLY_PATCH],
};

export function customResourceType(crd: KubeObj): ResourceType {
  const spec = crd.spec;
  const versions: ServedVersion[] = (spec.versions as KubeObj[])
    .filter((v) => v.served !== false)
    .sort((a, b) => compareVersions(a.name, b.name))
    .map((v) => ({ name: v.name, schema: v.schema?.openAPIV3Schema, printerColumns: v.additionalPrinterColumns ?? [] }));
  return {
    group: spec.group,
    resource: spec.names.plural,
    versions,
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    singular: spec.names.singular ?? String(spec.names.kind).toLowerCase(),
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    namespaced: spec.scope !== 'Cluster',
    statusSubresource: (spec.versions as KubeObj[]).some((v) => v.subresources?.status !== undefined),
    custom: true,
    strategy: customResourceStrategy,
  };
}

export function storageVersion(crd: KubeObj): string {
  return ((crd.spec.versions as KubeObj[]).find((v) => v.storage) ?? crd.spec.versions[0]).name;
}

function validateCrd(obj: KubeObj, old: KubeObj | undefined): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  if (!spec.group) errs.push({ type: 'Required', field: 'spec.group' });
  if (!spec.names?.plural) errs.push({ type: 'Required', field: 'spec.names.plural' });
  if (!spec.names?.kind) errs.push({ type: 'Required', field: 'spec.names.kind' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push({ type: 'NotSupported', field: 'spec.scope', value: spec.scope ?? '', detail: 'supported values: "Cluster", "Namespaced"' });
  if (spec.group && spec.names?.plural && obj.metadata.name !== `${spec.names.plural}.${spec.group}`)
    errs.push({ type: 'Invalid', field: 'metadata.name', value: obj.metadata.name, detail: 'must be spec.names.plural+"."+spec.group' });
  const versions: KubeObj[] = Array.isArray(spec.versions) ? spec.versions : [];
  if (versions.length === 0) errs.push({ type: 'Invalid', field: 'spec.versions', value: versions, detail: 'must have exactly one version marked as storage version' });
  else if (versions.filter((v) => v.storage).length !== 1)
    errs.push({ type: 'Invalid', field: 'spec.versions', value: versions.map((v) => v.name), detail: 'must have exactly one version marked as storage version' });
  versions.forEach((v, i) => {
    const schema = v?.schema?.openAPIV3Schema;
    if (schema && typeof schema === 'object') errs.push(...celSchemaErrors(schema, `spec.versions[${i}].schema.openAPIV3Schema`));
  });
  if (old && old.spec.group !== spec.group) errs.push({ type: 'Invalid', field: 'spec.group', value: spec.group, detail: 'field is immutable' });
  if (old && old.spec.scope !== spec.scope) errs.push({ type: 'Invalid', field: 'spec.scope', value: spec.scope, detail: 'field is immutable' });
  return errs;
}

/** Conditions the apiextensions controllers set shortly after create; set at once here. */
export function establishedStatus(obj: KubeObj, old: KubeObj | undefined): KubeObj {
  const now = nowTimestamp();
  const prev: KubeObj[] = old?.status?.conditions ?? [];
  const cond = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: prev.find((c) => c.type === type)?.lastTransitionTime ?? now,
    reason,
    message,
  });
  const stored = new Set<string>(old?.status?.storedVersions ?? []);
  stored.add(storageVersion(obj));
  const names = obj.spec.names;
  return {
    conditions: [cond('NamesAccepted', 'NoConflicts', 'no conflicts found'), cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted')],
    acceptedNames: { plural: names.plural, singular: names.singular, shortNames: names.shortNames, kind: names.kind, listKind: names.listKind, categories: names.categories },
    storedVersions: [...stored],
  };
}

export const isCrdType = (t: { group: string; resource: string }) => t.group === CRD_GROUP && t.resource === 'customresourcedefinitions';

/** What the CRD REST storage does on the first DELETE: cleanup finalizer plus a Terminating condition. */
export function markCrdTerminating(crd: KubeObj): void {
  const finalizers: string[] = crd.metadata.finalizers ?? [];
  if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) crd.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
  const conditions = ((crd.status?.conditions ?? []) as KubeObj[]).filter((c) => c.type !== 'Terminating');
  conditions.push({
    type: 'Terminating',
    status: 'True',
    lastTransitionTime: nowTimestamp(),
    reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  });
  crd.status = { ...(crd.status ?? {}), conditions };
}

const crdStrategy: Strategy = {
  generation: true,
  allowUnconditionalUpdate: false,
  allowCreateOnUpdate: false,
  deleteReturnsObject: true,
  patchTypes: [JSON_PATCH, MERGE_PATCH, STRATEGIC_PATCH, APPLY_PATCH],
  normalize(obj, old) {
    const spec = (obj.spec ??= {});
    spec.conversion ??= { strategy: 'None' };
    if (spec.names?.kind) {
      spec.names.singular ??= String(spec.names.kind).toLowerCase();
      spec.names.listKind ??= `${spec.names.kind}List`;
    }
    if (!old?.metadata.deletionTimestamp && spec.versions?.length && spec.names?.kind) obj.status = establishedStatus(obj, old);
  },
  validate: validateCrd,
  table: {
    columns: [
      { name: 'Name', type: 'string', format: 'name', description: '', priority: 0, jsonPath: '' },
      { name: 'Created At', type: 'date', description: '', priority: 0, jsonPath: '' },
    ],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp ?? age(o)],
  },
};

export function crdResourceType(): ResourceType {
  return {
    group: CRD_GROUP,
    resource: 'customresourcedefinitions',
    versions: [{ name: 'v1', printerColumns: [] }],
    kind: 'CustomResourceDefinition',
    listKind: 'CustomResourceDefinitionList',
    singular: 'customresourcedefinition',
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    namespaced: false,
    statusSubresource: true,
    custom: false,
    strategy: crdStrategy,
  };
}
