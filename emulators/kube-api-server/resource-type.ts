import type { FieldError, GroupResource } from './status-errors.ts';
import type { StructuralSchema } from './schema.ts';

/** A JSON object as stored and served; never mutated once stored (responses and watch events share it). */
export type KubeObj = Record<string, any>;

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

export interface ServedVersion {
  name: string;
  schema?: StructuralSchema;
  printerColumns: PrinterColumn[];
}

/**
 * The per-resource behaviour a registry strategy gives kube-apiserver (rest.RESTCreateStrategy and friends).
 * Core kinds and custom resources differ exactly in these points.
 */
export interface Strategy {
  /** metadata.generation starts at 1 and follows spec changes (custom resources, CRDs). */
  generation: boolean;
  /** PUT without metadata.resourceVersion is accepted (core kinds) or rejected as Invalid (custom resources). */
  allowUnconditionalUpdate: boolean;
  /** PUT of a missing object creates it (Events only among the kinds served here). */
  allowCreateOnUpdate: boolean;
  /** Immediate DELETE answers with the object (Namespaces, CRDs) instead of a Status Success. */
  deleteReturnsObject: boolean;
  /** Accepted PATCH content types; strategic merge exists only for compiled-in kinds. */
  patchTypes: string[];
  /** Top-level fields of a compiled-in kind; others are dropped on decode like unknown JSON fields of a Go struct. */
  knownFields?: string[];
  /** Decoding-time conversions and defaults (Secret stringData, Secret type, Namespace phase). */
  normalize?(obj: KubeObj, old: KubeObj | undefined): void;
  /** Conversions of a write to /status (a Pod's podIP and podIPs kept in step). */
  normalizeStatus?(obj: KubeObj): void;
  /** Kind-specific validation beyond ObjectMeta and the OpenAPI schema. */
  validate?(obj: KubeObj, old: KubeObj | undefined): FieldError[];
  /** Fields usable in fieldSelector besides metadata.name/metadata.namespace. */
  fieldLabels?(obj: KubeObj): Record<string, string>;
  /** Column definitions and cells for `kubectl get` (server-side printing). */
  table?: { columns: PrinterColumn[]; cells(obj: KubeObj): unknown[] };
}

export interface ResourceType extends GroupResource {
  /** Served versions, preferred first. */
  versions: ServedVersion[];
  kind: string;
  listKind: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** The /status subresource is served and splits status writes from spec writes. */
  statusSubresource: boolean;
  /** Unstructured semantics: list items carry apiVersion/kind, bookmarks are unstructured. */
  custom: boolean;
  strategy: Strategy;
  /** Subresources served by their own handlers (services/proxy, pods/portforward), with the verbs discovery lists. */
  connectSubresources?: { name: string; verbs: string[] }[];
  /** Set while the owning CRD is being deleted: creates are refused. */
  terminating?: boolean;
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const STRATEGIC_PATCH = 'application/strategic-merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export const RESOURCE_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const grKey = (gr: GroupResource) => (gr.group ? `${gr.resource}.${gr.group}` : gr.resource);

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
