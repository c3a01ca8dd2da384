import { SyncError, transient } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { isSubset } from '../../../shared/engine/status-patch.ts';
import { mergeConditions } from '../../../shared/engine/conditions.ts';
import { KubeApiError } from '../../../shared/kube/kube-http.ts';
import { refOf, type KubeObject, type OwnerReference } from '../../../shared/kube/object-ref.ts';
import { WSO2_API_VERSION } from '../resource-types.ts';
import type { Artifact } from './artifact.ts';
import { CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN, gatewayRef, labelValue } from './metadata.ts';

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

/**
 * Writes an artifact as a resource in the gateway's namespace: created when absent, replaced (guarded by its
 * resourceVersion) when it is this gateway's and the deployment is newer or different; an older deployment changes
 * nothing. `existing` is the resource as a list just read it (undefined: it is looked up).
 */
export async function writeArtifact(gateway: KubeObject, artifact: Artifact, mark: DeploymentMark, ctx: SyncContext, existing?: KubeObject | null): Promise<WriteOutcome> {
  const ns = gateway.metadata.namespace ?? '';
  const ref = { apiVersion: WSO2_API_VERSION, kind: artifact.kind.kind, namespace: ns, name: artifact.name };
  const current = existing === undefined ? await ctx.cluster.get(ref) : (existing ?? undefined);
  const m = marks(gateway, mark);
  const annotations: Record<string, string> = { ...artifact.annotations, ...m.annotations };
  if (mark.state === 'undeployed') annotations[CP_ANNOTATIONS.deploymentState] = 'undeployed';
  if (!current) {
    const obj: KubeObject = {
      apiVersion: WSO2_API_VERSION,
      kind: artifact.kind.kind,
      metadata: { name: artifact.name, namespace: ns, labels: { ...artifact.labels, ...m.labels }, annotations, ownerReferences: [ownerOf(gateway)] },
      spec: artifact.spec,
    };
    try {
      return await written('created', () => ctx.cluster.create(obj), ref.kind, artifact.name);
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
  const sameLabels = Object.entries({ ...artifact.labels, ...m.labels }).every(([k, v]) => current.metadata.labels?.[k] === v);
  if (sameMarks && sameLabels && isSubset(artifact.spec, current.spec)) return { result: 'unchanged', object: current };
  const nextAnnotations = { ...a, ...annotations };
  if (mark.state === 'deployed') delete nextAnnotations[CP_ANNOTATIONS.deploymentState];
  const owners = current.metadata.ownerReferences ?? [];
  const next: KubeObject = {
    ...current,
    metadata: {
      ...current.metadata,
      labels: { ...current.metadata.labels, ...artifact.labels, ...m.labels },
      annotations: nextAnnotations,
      ownerReferences: owners.some((o) => o.uid === gateway.metadata.uid) ? owners : [...owners, ownerOf(gateway)],
    },
    spec: artifact.spec,
  };
  delete next.status;
  const outcome = await written('replaced', () => ctx.cluster.replace(next), ref.kind, artifact.name);
  if (outcome.result === 'replaced' && outcome.object && !sameMarks) await markPending(outcome.object, mark, ctx);
  return outcome;
}

/**
 * Another deployment on a resource whose status still speaks of the previous one: its conditions say so until its
 * sync answers for this one (the watcher acks only then). Ready goes False too, so a restarted watcher re-syncs it.
 * The watcher forwards the resource itself: a change of annotations alone does not move the generation.
 */
export async function markPending(obj: KubeObject, mark: DeploymentMark, ctx: SyncContext): Promise<void> {
  const message = `the control plane ${mark.state === 'undeployed' ? 'undeployed' : 'deployed'} it (deployment ${mark.deploymentId}); waiting for the gateway`;
  const conditions = mergeConditions(
    obj.status?.conditions,
    ['Programmed', 'Ready'].map((type) => ({ type, status: 'False' as const, reason: 'Pending', message })),
    obj.metadata.generation,
  );
  try {
    await ctx.cluster.patchStatus(refOf(obj), { conditions }, obj.metadata.resourceVersion);
  } catch (err) {
    // Its own sync (already under way) wrote first: that sync saw the new deployment, and its conditions are right.
    if (!(err instanceof SyncError && err.reason === 'Conflict')) throw err;
  }
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
  const patched = await ctx.cluster.patchMetadata(
    refOf(obj),
    { annotations: { [CP_ANNOTATIONS.deploymentState]: state ?? null, [CP_ANNOTATIONS.deployedAt]: mark.deployedAt, [CP_ANNOTATIONS.deploymentId]: mark.deploymentId } },
    obj.metadata.resourceVersion ?? '',
  );
  await markPending({ ...patched, apiVersion: obj.apiVersion, kind: obj.kind }, mark, ctx);
  return 'restated';
}

/** A create or replace; the API server refusing the object (400/422: a spec its CRD refuses) is a refusal, not a retry. */
async function written(result: 'created' | 'replaced', write: () => Promise<KubeObject>, kind: string, name: string): Promise<WriteOutcome> {
  try {
    return { result, object: await write() };
  } catch (err) {
    const cause = err instanceof SyncError ? err.cause : err;
    if (cause instanceof KubeApiError && (cause.status === 422 || cause.status === 400)) {
      return { result: 'refused', message: `the cluster refused ${kind} ${name}: ${cause.message.slice(0, 800)}` };
    }
    throw err;
  }
}
