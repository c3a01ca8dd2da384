import { findCondition } from '../../../shared/engine/conditions.ts';
import { invalidSpec, permanent, waitingFor } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, SyncContext } from '../../../shared/engine/kind.ts';
import { DELETION_POLICY } from '../../../shared/engine/metadata-keys.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ResourceType } from '../../../shared/kube/resources.ts';
import { canonicalJson } from '../canonical-json.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { BackendType, ProductType } from '../resource-types.ts';
import { isControlledBy, ownerReference } from './generated-crs.ts';

/** The condition as written for the object's current generation (or without one), else undefined. */
const condition = (o: KubeObject, type: string) => {
  const c = findCondition(o.status, type);
  return c && (c.observedGeneration === undefined || c.observedGeneration === o.metadata.generation) ? c : undefined;
};

/** The OpenAPI is Ready once its Product has synced its current spec; the Product's status change wakes it. */
function readiness(product: KubeObject): void {
  if (condition(product, 'Synced')?.status === 'True') return;
  const invalid = condition(product, 'Invalid');
  if (invalid?.status === 'True') throw invalidSpec('Invalid', `generated Product ${product.metadata.name} is Invalid: ${invalid.message ?? ''}`);
  const synced = findCondition(product.status, 'Synced');
  const why = synced?.status === 'False' ? synced.message : undefined;
  throw waitingFor(`generated Product ${product.metadata.name} is not Synced yet${why ? `: ${why}` : ''}`);
}

/**
 * The existing resource with the generated spec, owner reference and deletion policy enforced (what a user edited is
 * reverted), or undefined when it already is so.
 */
function enforced(existing: KubeObject, desired: KubeObject, openapi: KubeObject): KubeObject | undefined {
  const foreign = (existing.metadata.ownerReferences ?? []).find((o) => o.controller && o.uid !== openapi.metadata.uid);
  if (foreign) throw permanent('Conflict', `${existing.kind} ${existing.metadata.name} exists and is controlled by ${foreign.kind} ${foreign.name}, not by this OpenAPI`);
  const annotations = { ...existing.metadata.annotations };
  if (desired.metadata.annotations?.[DELETION_POLICY]) annotations[DELETION_POLICY] = desired.metadata.annotations[DELETION_POLICY];
  else delete annotations[DELETION_POLICY];
  const owned = isControlledBy(existing, openapi);
  const sameAnnotations = existing.metadata.annotations?.[DELETION_POLICY] === desired.metadata.annotations?.[DELETION_POLICY];
  if (owned && sameAnnotations && canonicalJson(existing.spec ?? {}) === canonicalJson(desired.spec)) return undefined;
  const ownerReferences = owned ? existing.metadata.ownerReferences : [...(existing.metadata.ownerReferences ?? []), ownerReference(openapi)];
  return { ...existing, metadata: { ...existing.metadata, ownerReferences, annotations }, spec: desired.spec };
}

/** The Backend and Product resources an OpenAPI owns (found by owner uid: their names follow the document). */
async function generatedResources(openapi: KubeObject, ctx: SyncContext): Promise<KubeObject[]> {
  const ns = openapi.metadata.namespace ?? 'default';
  const [backends, products] = await Promise.all([ctx.cluster.list(BackendType, ns), ctx.cluster.list(ProductType, ns)]);
  return [...backends, ...products].filter((o) => isControlledBy(o, openapi));
}

/**
 * Marks them orphan as the OpenAPI is (before its finalizer goes, so before Kubernetes deletes them): the annotation
 * is otherwise carried over by a sync, which an annotation edit alone does not trigger.
 */
export async function orphanGenerated(openapi: KubeObject, ctx: SyncContext): Promise<void> {
  for (const o of await generatedResources(openapi, ctx)) {
    if (o.metadata.annotations?.[DELETION_POLICY] !== 'orphan') await ctx.cluster.patchMetadata(refOf(o), { annotations: { [DELETION_POLICY]: 'orphan' } }, o.metadata.resourceVersion ?? '');
  }
}

/**
 * Deletes them (only the incarnations found) and waits (Waiting) until they are gone, woken by their removal: their
 * finalizers remove the 3scale objects first. Otherwise an OpenAPI created again with the same title would generate
 * resources sharing their system names with these, whose deletion would then remove the 3scale objects both use.
 */
export async function deleteGenerated(openapi: KubeObject, ctx: SyncContext): Promise<void> {
  for (const o of await generatedResources(openapi, ctx)) if (!o.metadata.deletionTimestamp) await ctx.cluster.delete(refOf(o), o.metadata.uid);
  const remaining = await generatedResources(openapi, ctx);
  if (remaining.length) throw waitingFor(`waiting for the generated ${remaining.map((o) => `${o.kind} ${o.metadata.name}`).join(' and ')} to be deleted (their 3scale objects first)`);
}

/**
 * An OpenAPI's "vendor objects" are the Backend and Product resources it generates, written through the Kubernetes
 * API; the Backend and Product kinds sync them to 3scale. Creates are idempotent: a redelivery finds them by name.
 */
export function openAPIClient(ctx: SyncContext, openapi: KubeObject, desired: { backend: KubeObject; product: KubeObject }, account: ProviderAccount): ExternalClient {
  const wanted = [desired.backend, desired.product];
  const status: ExternalStatus = {
    productResourceName: { name: desired.product.metadata.name },
    backendResourceNames: [{ name: desired.backend.metadata.name }],
    providerAccountHost: account.adminURL,
  };
  /** Resources generated for an earlier title (another name), as status recorded them. */
  const stale = (): KubeObject[] => {
    const st = (openapi.status ?? {}) as { productResourceName?: { name?: string }; backendResourceNames?: { name?: string }[] };
    const recorded: [ResourceType, string | undefined][] = [[ProductType, st.productResourceName?.name], ...(st.backendResourceNames ?? []).map((b): [ResourceType, string | undefined] => [BackendType, b.name])];
    return recorded
      .filter(([t, name]) => name && name !== (t === ProductType ? desired.product : desired.backend).metadata.name)
      .map(([t, name]) => ({ apiVersion: t.apiVersion, kind: t.kind, metadata: { name: name!, namespace: openapi.metadata.namespace } }));
  };
  let found: (KubeObject | undefined)[] | undefined;
  const read = () => Promise.all(wanted.map((w) => ctx.cluster.get(refOf(w))));

  async function apply(): Promise<ExternalStatus> {
    const current = found ?? (await read());
    const written: KubeObject[] = [];
    for (const [i, w] of wanted.entries()) {
      const existing = current[i];
      const next = existing ? enforced(existing, w, openapi) : w;
      written.push(!next ? existing! : existing ? await ctx.cluster.replace(next) : await ctx.cluster.create(next));
    }
    for (const old of stale()) {
      const o = await ctx.cluster.get(refOf(old));
      if (o && isControlledBy(o, openapi)) await ctx.cluster.delete(refOf(o), o.metadata.uid);
    }
    readiness(written[1]);
    return status;
  }

  return {
    async observe() {
      found = await read();
      if (found.every((o) => !o)) return { exists: false, upToDate: false };
      const upToDate = found.every((o, i) => o && !enforced(o, wanted[i], openapi)) && stale().length === 0;
      if (upToDate) readiness(found[1]!);
      return { exists: true, upToDate, status };
    },
    create: apply,
    update: apply,
    delete: () => deleteGenerated(openapi, ctx),
  };
}
