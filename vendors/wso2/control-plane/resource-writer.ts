import { SyncError, transient } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { isSubset } from '../../../shared/engine/status-patch.ts';
import { KubeApiError } from '../../../shared/kube/kube-http.ts';
import { refOf, SECRET, type KubeObject, type OwnerReference } from '../../../shared/kube/object-ref.ts';
import { WSO2_API_VERSION } from '../resource-types.ts';
import type { Artifact } from './artifact.ts';
import { artifactDigest, CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN, gatewayRef, labelValue, matchesArtifact } from './metadata.ts';

/** The deployment a resource carries: what the control plane said, for which the watcher acks. */
export interface DeploymentMark {
  artifactId: string;
  deploymentId: string;
  /** The control plane's performedAt / deployedAt (RFC 3339). */
  deployedAt: string;
  state: 'deployed' | 'undeployed';
}

export type WriteOutcome =
  | { result: 'created' | 'replaced' | 'unchanged' | 'stale'; object?: KubeObject }
  /** Not written: the name belongs to a resource of another origin or gateway, or the API server refused it (422). */
  | { result: 'refused'; message: string };

/** Whether a resource is one this gateway's control plane wrote. */
export function isOurs(obj: KubeObject, gateway: KubeObject): boolean {
  const ns = gateway.metadata.namespace ?? '';
  return obj.metadata.labels?.[CP_LABELS.origin] === CP_ORIGIN && obj.metadata.annotations?.[CP_ANNOTATIONS.gateway] === gatewayRef(ns, gateway.metadata.name);
}

/** What a control-plane resource says of its deployment; undefined for a resource without the marks. */
export function markOf(obj: KubeObject): DeploymentMark | undefined {
  const a = obj.metadata.annotations ?? {};
  const artifactId = a[CP_ANNOTATIONS.artifactId];
  const deploymentId = a[CP_ANNOTATIONS.deploymentId];
  if (!artifactId || !deploymentId) return undefined;
  return { artifactId, deploymentId, deployedAt: a[CP_ANNOTATIONS.deployedAt] ?? '', state: a[CP_ANNOTATIONS.deploymentState] === 'undeployed' ? 'undeployed' : 'deployed' };
}

/** Orders two RFC 3339 times (negative: a before b); an unreadable time sorts first. */
export function compareTimes(a: string, b: string): number {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return Number.isNaN(ta) ? (Number.isNaN(tb) ? 0 : -1) : 1;
  // Date keeps milliseconds; finer digits (Go writes nanoseconds) decide only between equal milliseconds.
  return ta !== tb ? ta - tb : fraction(a).localeCompare(fraction(b));
}
const fraction = (t: string) => (/\.(\d+)/.exec(t)?.[1] ?? '').padEnd(9, '0');

/** The gateway as the owner of what its control plane deployed: deleting the APIGateway removes them. */
export function ownerOf(gateway: KubeObject): OwnerReference {
  return { apiVersion: gateway.apiVersion, kind: gateway.kind, name: gateway.metadata.name, uid: gateway.metadata.uid ?? '', controller: true, blockOwnerDeletion: false };
}

/** Labels and annotations of a resource written from this gateway's control plane for this deployment. */
function marks(gateway: KubeObject, mark: DeploymentMark) {
  const ns = gateway.metadata.namespace ?? '';
  return {
    labels: { [CP_LABELS.origin]: CP_ORIGIN, [CP_LABELS.gatewayName]: labelValue(gateway.metadata.name), [CP_LABELS.artifactId]: labelValue(mark.artifactId) },
    annotations: {
      [CP_ANNOTATIONS.gateway]: gatewayRef(ns, gateway.metadata.name),
      [CP_ANNOTATIONS.deploymentId]: mark.deploymentId,
      [CP_ANNOTATIONS.deployedAt]: mark.deployedAt,
      [CP_ANNOTATIONS.artifactId]: mark.artifactId,
    },
  };
}

/** apim-sync's own keys: what the writer sets itself, never the artifact's to decide. */
const OWN_LABELS = new Set<string>(Object.values(CP_LABELS));
const OWN_ANNOTATIONS = new Set<string>([...Object.values(CP_ANNOTATIONS), 'apim-sync.io/deletion-policy']);

/** The label and annotation keys an artifact brings to its resource (beside apim-sync's own). */
const artifactKeys = (artifact: Artifact) => ({
  labels: Object.keys(artifact.labels).filter((k) => !OWN_LABELS.has(k)),
  annotations: Object.keys(artifact.annotations).filter((k) => !OWN_ANNOTATIONS.has(k)),
});

/**
 * Writes an artifact as a resource in the gateway's namespace: created when absent, replaced (guarded by its
 * resourceVersion) when it is this gateway's and the deployment is newer or different, or when its content no
 * longer matches its `artifact-digest` (a user edited it: the control plane is the source of truth); an older
 * deployment changes nothing. `existing` is the resource as a list just read it (undefined: it is looked up).
 */
export async function writeArtifact(gateway: KubeObject, artifact: Artifact, mark: DeploymentMark, ctx: SyncContext, existing?: KubeObject | null): Promise<WriteOutcome> {
  const ns = gateway.metadata.namespace ?? '';
  const ref = { apiVersion: WSO2_API_VERSION, kind: artifact.kind.kind, namespace: ns, name: artifact.name };
  const current = existing === undefined ? await ctx.cluster.get(ref) : (existing ?? undefined);
  const m = marks(gateway, mark);
  const { spec, credentials } = withoutCredentials(artifact);
  artifact = { ...artifact, spec };
  const keys = artifactKeys(artifact);
  const labels = { ...artifact.labels, ...m.labels };
  const annotations: Record<string, string> = { ...artifact.annotations, ...m.annotations };
  if (mark.state === 'undeployed') annotations[CP_ANNOTATIONS.deploymentState] = 'undeployed';
  // The digest of what is sent; recorded again after the write if the API server stored something else (defaults).
  const digest = artifactDigest(artifact.spec, { labels, annotations }, keys);
  if (!current) {
    const obj: KubeObject = {
      apiVersion: WSO2_API_VERSION,
      kind: artifact.kind.kind,
      metadata: { name: artifact.name, namespace: ns, labels, annotations: { ...annotations, [CP_ANNOTATIONS.artifactDigest]: digest }, ownerReferences: [ownerOf(gateway)] },
      spec: artifact.spec,
    };
    try {
      return await withCredentials(await written('created', () => ctx.cluster.create(obj), ref.kind, artifact.name, keys, ctx), gateway, credentials, ctx);
    } catch (err) {
      // Taken meanwhile, or by a resource the caller's list could not show (another origin): judged as it is.
      const taken = err instanceof SyncError && err.reason === 'Conflict' ? await ctx.cluster.get(ref) : undefined;
      if (!taken) throw err;
      return writeArtifact(gateway, artifact, mark, ctx, taken);
    }
  }
  if (!isOurs(current, gateway)) {
    const other = current.metadata.annotations?.[CP_ANNOTATIONS.gateway];
    const whose = current.metadata.labels?.[CP_LABELS.origin] === CP_ORIGIN && other ? `the control plane of APIGateway ${other}` : 'a resource not written from this control plane';
    return { result: 'refused', message: `${artifact.kind.kind} ${ns}/${artifact.name} already exists and belongs to ${whose}; it was not overwritten` };
  }
  if (current.metadata.deletionTimestamp) {
    // Its finalizer is removing it from the gateway: the new deployment is written once it is gone.
    throw transient('Deleting', `${artifact.kind.kind} ${ns}/${artifact.name} is being deleted; the deployment ${mark.deploymentId} is written after`);
  }
  const had = markOf(current);
  if (had && compareTimes(mark.deployedAt, had.deployedAt) < 0) return { result: 'stale' };
  const a = current.metadata.annotations ?? {};
  const sameMarks = Object.entries(annotations).every(([k, v]) => a[k] === v) && (mark.state === 'undeployed' || a[CP_ANNOTATIONS.deploymentState] === undefined);
  const sameLabels = Object.entries(labels).every(([k, v]) => current.metadata.labels?.[k] === v);
  if (sameMarks && sameLabels && isSubset(artifact.spec, current.spec) && matchesArtifact(current)) {
    return withCredentials({ result: 'unchanged', object: current }, gateway, credentials, ctx);
  }
  const nextAnnotations: Record<string, string> = { ...a, ...annotations, [CP_ANNOTATIONS.artifactDigest]: digest };
  if (mark.state === 'deployed') delete nextAnnotations[CP_ANNOTATIONS.deploymentState];
  const owners = current.metadata.ownerReferences ?? [];
  const next: KubeObject = {
    ...current,
    metadata: {
      ...current.metadata,
      labels: { ...current.metadata.labels, ...labels },
      annotations: nextAnnotations,
      ownerReferences: owners.some((o) => o.uid === gateway.metadata.uid) ? owners : [...owners, ownerOf(gateway)],
    },
    spec: artifact.spec,
  };
  delete next.status;
  return withCredentials(await written('replaced', () => ctx.cluster.replace(next), ref.kind, artifact.name, keys, ctx), gateway, credentials, ctx);
}

/**
 * The same deployment in another state (undeployed, or deployed again): the resource's marks change, its spec does
 * not. An older change than the one it carries changes nothing.
 */
export async function restate(obj: KubeObject, mark: DeploymentMark, ctx: SyncContext): Promise<'restated' | 'stale' | 'unchanged'> {
  const had = markOf(obj);
  if (had && compareTimes(mark.deployedAt, had.deployedAt) < 0) return 'stale';
  const a = obj.metadata.annotations ?? {};
  const state = mark.state === 'undeployed' ? 'undeployed' : undefined;
  if (a[CP_ANNOTATIONS.deploymentState] === state && a[CP_ANNOTATIONS.deployedAt] === mark.deployedAt && a[CP_ANNOTATIONS.deploymentId] === mark.deploymentId) return 'unchanged';
  // The watcher re-syncs it (the generation does not move) and acks once its status names this deployment.
  await ctx.cluster.patchMetadata(
    refOf(obj),
    { annotations: { [CP_ANNOTATIONS.deploymentState]: state ?? null, [CP_ANNOTATIONS.deployedAt]: mark.deployedAt, [CP_ANNOTATIONS.deploymentId]: mark.deploymentId } },
    obj.metadata.resourceVersion ?? '',
  );
  return 'restated';
}

/**
 * A create or replace; the API server refusing the object (400/422: a spec its CRD refuses) is a refusal, not a retry.
 * When the API server stored another spec than sent (CRD defaults, pruned fields), the digest of what it stored is
 * recorded, so that what it added is not taken for an edit. A crash before that record is an edit the next resync
 * writes again: it converges.
 */
async function written(
  result: 'created' | 'replaced',
  write: () => Promise<KubeObject>,
  kind: string,
  name: string,
  keys: { labels: string[]; annotations: string[] },
  ctx: SyncContext,
): Promise<WriteOutcome> {
  try {
    const stored = await write();
    if (matchesArtifact(stored)) return { result, object: stored };
    const digest = artifactDigest(stored.spec, stored.metadata, keys);
    return { result, object: await ctx.cluster.patchMetadata(refOf(stored), { annotations: { [CP_ANNOTATIONS.artifactDigest]: digest } }, stored.metadata.resourceVersion ?? '') };
  } catch (err) {
    const cause = err instanceof SyncError ? err.cause : err;
    if (cause instanceof KubeApiError && (cause.status === 422 || cause.status === 400)) {
      return { result: 'refused', message: `the cluster refused ${kind} ${name}: ${cause.message.slice(0, 800)}` };
    }
    throw err;
  }
}

/** Where an artifact kind carries upstream credentials (`auth.value`, a string in the gateway's format). */
const CREDENTIAL_HOLDERS: Record<string, (spec: Record<string, any>) => Array<[key: string, holder: Record<string, any> | undefined]>> = {
  LlmProvider: (spec) => [['upstream', spec.upstream?.auth]],
  Mcp: (spec) => [['upstream', spec.upstream?.auth]],
  LlmProxy: (spec) => [['provider', spec.provider?.auth], ...((Array.isArray(spec.additionalProviders) ? spec.additionalProviders : []) as Array<Record<string, any>>).map((p, i): [string, Record<string, any> | undefined] => [`additional-provider-${i}`, p?.auth])],
};

/** The Secret holding a control-plane resource's upstream credentials (owned by the resource: it goes with it). */
export const credentialsSecretName = (name: string) => (name.length <= 230 ? `${name}.cp-credentials` : `${name.slice(0, 200)}.cp-credentials`);

/**
 * The gateway's format has upstream credentials inline (`auth.value: <key>`), the CRDs a value source: the key goes
 * into a Secret the spec names (`valueFrom`), never into the spec, where `kubectl get -o yaml` would show it.
 */
function withoutCredentials(artifact: Artifact): { spec: Record<string, unknown>; credentials: { name: string; data: Record<string, string> } | undefined } {
  const holders = CREDENTIAL_HOLDERS[artifact.kind.kind];
  if (!holders) return { spec: artifact.spec, credentials: undefined };
  const spec = structuredClone(artifact.spec) as Record<string, any>;
  const name = credentialsSecretName(artifact.name);
  const data: Record<string, string> = {};
  for (const [key, auth] of holders(spec)) {
    if (!auth || typeof auth.value !== 'string') continue;
    data[key] = auth.value;
    auth.value = { valueFrom: { name, key } };
  }
  return { spec, credentials: Object.keys(data).length ? { name, data } : undefined };
}

/** After a write: the credentials Secret created or brought up to date, owned by the resource written. */
async function withCredentials(outcome: WriteOutcome, gateway: KubeObject, credentials: { name: string; data: Record<string, string> } | undefined, ctx: SyncContext): Promise<WriteOutcome> {
  if (!credentials || outcome.result === 'refused' || outcome.result === 'stale' || !outcome.object) return outcome;
  const owner = outcome.object;
  const ref = { ...SECRET, namespace: gateway.metadata.namespace ?? '', name: credentials.name };
  const data = Object.fromEntries(Object.entries(credentials.data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  const ownerRef: OwnerReference = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid ?? '', controller: true, blockOwnerDeletion: false };
  const current = await ctx.cluster.get(ref);
  if (!current) {
    await ctx.cluster.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: credentials.name, namespace: ref.namespace, labels: { [CP_LABELS.origin]: CP_ORIGIN, [CP_LABELS.gatewayName]: labelValue(gateway.metadata.name) }, ownerReferences: [ownerRef] },
      data,
    });
    return outcome;
  }
  if (current.metadata.labels?.[CP_LABELS.origin] !== CP_ORIGIN) {
    return { result: 'refused', message: `Secret ${ref.namespace}/${credentials.name}, where ${owner.kind} ${owner.metadata.name}'s upstream credentials go, exists and was not written from a control plane` };
  }
  const same = Object.entries(data).every(([k, v]) => current.data?.[k] === v) && Object.keys(current.data ?? {}).length === Object.keys(data).length;
  const owned = current.metadata.ownerReferences?.some((o) => o.uid === ownerRef.uid);
  if (!owned) await ctx.cluster.patchMetadata(ref, { ownerReferences: [ownerRef] }, current.metadata.resourceVersion ?? '');
  if (!same) await ctx.cluster.patchData(ref, Object.fromEntries([...Object.keys(current.data ?? {}).map((k) => [k, null]), ...Object.entries(data)]) as Record<string, string>);
  return outcome;
}
