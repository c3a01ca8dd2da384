/**
 * Output negotiation as kube-apiserver does it (apiserver's negotiation.NegotiateMediaTypeOptions and the handlers'
 * transforms): the Accept clauses in order of preference, the first one whose media type is served and whose
 * conversion (`as=Table`, `as=PartialObjectMetadata`, `as=PartialObjectMetadataList` in `meta.k8s.io` v1 or v1beta1)
 * the endpoint allows wins; none → 406. The conversion itself fails later, also with 406, when it does not fit what
 * is served (a list as PartialObjectMetadata, one object as a list): a fallback clause does not help then.
 */
import { ApiError } from './status-errors.ts';
import type { KubeObj, ResourceType } from './resource-type.ts';

/** What the response holds: the objects as stored, or one of the meta.k8s.io conversions. */
export type OutputForm = { as: 'object' } | { as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList'; version: 'v1' | 'v1beta1' };

/** The media types every resource endpoint lists in a 406 (the serializers of the scheme, in order). */
const SERVED = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const META_GROUP = 'meta.k8s.io';

interface Clause {
  type: string;
  subType: string;
  q: number;
  params: Map<string, string>;
}

/** goautoneg.ParseAccept: clauses sorted by q (then specificity), order kept among equals. */
function parseAccept(header: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of header.split(',')) {
    const [mediaType, ...rawParams] = part.split(';').map((s) => s.trim());
    if (!mediaType) continue;
    const [type, subType = '*'] = mediaType.split('/');
    const params = new Map<string, string>();
    let q = 1;
    for (const p of rawParams) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const k = p.slice(0, eq).trim();
      const v = p.slice(eq + 1).trim();
      if (k === 'q') q = Number(v);
      else params.set(k, v);
    }
    clauses.push({ type, subType, q: Number.isFinite(q) ? q : 0, params });
  }
  const specificity = (c: Clause) => (c.type === '*' ? 0 : c.subType === '*' ? 1 : 2);
  return clauses.map((c, i) => ({ c, i })).sort((a, b) => b.c.q - a.c.q || specificity(b.c) - specificity(a.c) || a.i - b.i).map((x) => x.c);
}

/**
 * The form a GET or watch answers in. Throws 406 when no clause is acceptable. The emulator writes JSON whichever
 * serializer the clause names (YAML and protobuf clients accept JSON too, see README).
 */
export function negotiateOutput(accept: string | undefined, type: ResourceType): OutputForm {
  if (!accept?.trim()) return { as: 'object' };
  for (const clause of parseAccept(accept)) {
    if (clause.q <= 0) continue;
    for (const served of SERVED) {
      const [t, sub] = served.split('/');
      const matches = (clause.type === t && (clause.subType === sub || clause.subType === '*')) || (clause.type === '*' && clause.subType === '*');
      if (!matches) continue;
      const form = acceptable(clause.params, t, sub, type);
      if (form) return form;
    }
  }
  throw notAcceptable(`only the following media types are accepted: ${SERVED.join(', ')}`);
}

/** acceptMediaTypeOptions + RequestScope.AllowsMediaTypeTransform. */
function acceptable(params: Map<string, string>, mimeType: string, mimeSubType: string, type: ResourceType): OutputForm | undefined {
  if (params.has('stream') && params.get('stream') !== 'watch' && params.get('stream') !== '') return undefined;
  const convert = params.has('as') || params.has('g') || params.has('v');
  if (!convert) {
    // Custom resources have no protobuf encoding: their endpoints serve JSON and YAML only.
    return type.custom && mimeSubType === 'vnd.kubernetes.protobuf' ? undefined : { as: 'object' };
  }
  const as = params.get('as') ?? '';
  const version = params.get('v') ?? '';
  if (params.get('g') !== META_GROUP || (version !== 'v1' && version !== 'v1beta1')) return undefined;
  if (as === 'Table') return mimeType === 'application' && (mimeSubType === 'json' || mimeSubType === 'yaml') ? { as, version } : undefined;
  if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') return { as, version };
  return undefined;
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

/** The Go type kube-apiserver names in a refused conversion (`(*unstructured.UnstructuredList)`). */
function goType(type: ResourceType, list: boolean): string {
  if (type.custom) return list ? '*unstructured.UnstructuredList' : '*unstructured.Unstructured';
  const pkg = type.group === 'apiextensions.k8s.io' ? 'apiextensions' : 'core';
  return `*${pkg}.${list ? type.listKind : type.kind}`;
}

/** meta.AsPartialObjectMetadata: the whole ObjectMeta, under meta.k8s.io's kind. */
export function partialObjectMetadata(obj: KubeObj, version: string): KubeObj {
  return { kind: 'PartialObjectMetadata', apiVersion: `${META_GROUP}/${version}`, metadata: obj.metadata };
}

/** One object as a conversion asks for it; a list conversion of one object is refused as kube-apiserver does. */
export function presentOne(form: OutputForm, type: ResourceType, obj: KubeObj): KubeObj {
  if (form.as === 'PartialObjectMetadata') return partialObjectMetadata(obj, form.version);
  if (form.as === 'PartialObjectMetadataList') throw notAcceptable(`you requested PartialObjectMetadataList, but the requested object is not a list (${goType(type, false)})`);
  return obj;
}

/** A list as a conversion asks for it (Table is the caller's); PartialObjectMetadata of a list is refused. */
export function presentList(form: OutputForm, type: ResourceType, items: KubeObj[], listMeta: Record<string, unknown>): KubeObj | undefined {
  if (form.as === 'PartialObjectMetadata') throw notAcceptable(`you requested PartialObjectMetadata, but the requested object is a list (${goType(type, true)})`);
  if (form.as !== 'PartialObjectMetadataList') return undefined;
  // asPartialObjectMetadataList appends to a nil slice: an empty list encodes its items as null.
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `${META_GROUP}/${form.version}`,
    metadata: listMeta,
    items: items.length ? items.map((o) => partialObjectMetadata(o, form.version)) : null,
  };
}

/**
 * The object of one watch event. A conversion that does not fit (a list kind asked of a watch) is logged by
 * kube-apiserver, which then sends the object unconverted (watchEmbeddedEncoder.doEncode).
 */
export function presentWatched(form: OutputForm, obj: KubeObj): KubeObj {
  return form.as === 'PartialObjectMetadata' ? partialObjectMetadata(obj, form.version) : obj;
}
