import { DELETION_POLICY } from '../../../shared/engine/metadata-keys.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { CP_ANNOTATIONS, CP_LABELS, CP_ORIGIN, labelValue } from '../control-plane/metadata.ts';
import { gatewayKey } from '../gateway/selection.ts';
import { wso2ManagedTypes } from '../resource-types.ts';

/** The control plane wrote it for this gateway: its origin and gateway labels, and this APIGateway as its owner. */
function controlPlaneOwned(resource: KubeObject, gateway: KubeObject): boolean {
  const labels = resource.metadata.labels ?? {};
  return (
    labels[CP_LABELS.origin] === CP_ORIGIN &&
    labels[CP_LABELS.gatewayName] === labelValue(gateway.metadata.name) &&
    resource.metadata.namespace === gateway.metadata.namespace &&
    (resource.metadata.ownerReferences ?? []).some((o) => o.kind === gateway.kind && o.name === gateway.metadata.name && (!o.uid || o.uid === gateway.metadata.uid))
  );
}

/** On this gateway: its status says it was synced there, or its annotation names it. */
function boundTo(resource: KubeObject, key: string): boolean {
  return resource.status?.gateway === key || resource.metadata.annotations?.[CP_ANNOTATIONS.gateway] === key;
}

/** Every WSO2 resource on the gateway, split into those the control plane wrote for it and the others. */
async function resourcesOn(gateway: KubeObject, ctx: SyncContext): Promise<{ controlPlane: KubeObject[]; others: KubeObject[] }> {
  const key = gatewayKey(gateway);
  const all = (await Promise.all(wso2ManagedTypes.map((t) => ctx.cluster.list(t)))).flat();
  const controlPlane = all.filter((r) => controlPlaneOwned(r, gateway));
  const others = all.filter((r) => boundTo(r, key) && !controlPlaneOwned(r, gateway));
  return { controlPlane, others };
}

/**
 * What an APIGateway's deletion waits for. Resources declared in Kubernetes that are on its gateway block it (named in
 * its Ready condition, as a ManagementContext's users do): deleting the APIGateway must not strand them, and they need
 * it to delete their objects from the gateway. Then the resources its control plane deployed, which it owns, are
 * deleted (their finalizers remove them from the gateway) and waited for until gone. The watcher wakes the
 * deletion as each of them goes (they all reference every APIGateway).
 */
export async function gatewayDeletionBlockers(gateway: KubeObject, ctx: SyncContext): Promise<ObjectRef[]> {
  const { controlPlane, others } = await resourcesOn(gateway, ctx);
  if (others.length) return others.map(refOf);
  for (const r of controlPlane) if (!r.metadata.deletionTimestamp) await ctx.cluster.delete(refOf(r), r.metadata.uid);
  return controlPlane.map(refOf);
}

/**
 * An APIGateway deleted with `apim-sync.io/deletion-policy: orphan` keeps what its gateway runs: the resources its
 * control plane deployed are annotated orphan too before Kubernetes collects them with their owner.
 */
export async function orphanControlPlaneResources(gateway: KubeObject, ctx: SyncContext): Promise<void> {
  const { controlPlane } = await resourcesOn(gateway, ctx);
  for (const r of controlPlane) {
    if (r.metadata.annotations?.[DELETION_POLICY] === 'orphan') continue;
    await ctx.cluster.patchMetadata(refOf(r), { annotations: { [DELETION_POLICY]: 'orphan' } }, r.metadata.resourceVersion ?? '');
  }
}
