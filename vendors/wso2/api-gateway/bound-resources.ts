import { DELETION_POLICY } from '../../../shared/engine/metadata-keys.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { CP_LABELS, CP_ORIGIN, gatewaySelector, labelValue } from '../control-plane/metadata.ts';
import { gatewayKey, namedGateway } from '../gateway/selection.ts';
import { controlPlaneTypes, wso2ManagedTypes } from '../resource-types.ts';

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
  return resource.status?.gateway === key || namedGateway(resource) === key;
}

/** The resources the gateway's control plane deployed: labelled for it in its namespace, and owned by it. */
async function deployedBy(gateway: KubeObject, ctx: SyncContext): Promise<KubeObject[]> {
  const selector = { labelSelector: gatewaySelector(gateway.metadata.name) };
  const lists = await Promise.all(controlPlaneTypes.map((t) => ctx.cluster.list(t, gateway.metadata.namespace ?? 'default', selector)));
  return lists.flat().filter((r) => controlPlaneOwned(r, gateway));
}

/** The other WSO2 resources on the gateway: declared in Kubernetes, wherever their namespace. */
async function declaredOn(gateway: KubeObject, ctx: SyncContext): Promise<KubeObject[]> {
  const key = gatewayKey(gateway);
  const all = (await Promise.all(wso2ManagedTypes.map((t) => ctx.cluster.list(t)))).flat();
  return all.filter((r) => boundTo(r, key) && !controlPlaneOwned(r, gateway));
}

/**
 * What an APIGateway's deletion waits for. Resources declared in Kubernetes that are on its gateway block it (named in
 * its Ready condition, as a ManagementContext's users do): deleting the APIGateway must not strand them, and they need
 * it to delete their objects from the gateway. Then the resources its control plane deployed, which it owns, are
 * deleted (their finalizers remove them from the gateway) and waited for until gone. The watcher wakes the deletion
 * as each of them goes; while some are going, only they are read (in the gateway's namespace, by label), not every
 * WSO2 resource of the cluster once per resource gone: the declared ones are looked at again when they are all gone.
 */
export async function gatewayDeletionBlockers(gateway: KubeObject, ctx: SyncContext): Promise<ObjectRef[]> {
  const deployed = await deployedBy(gateway, ctx);
  if (deployed.some((r) => r.metadata.deletionTimestamp)) return deployed.map(refOf);
  const declared = await declaredOn(gateway, ctx);
  if (declared.length) return declared.map(refOf);
  for (const r of deployed) await ctx.cluster.delete(refOf(r), r.metadata.uid);
  return deployed.map(refOf);
}

/**
 * An APIGateway deleted with `apim-sync.io/deletion-policy: orphan` keeps what its gateway runs: the resources its
 * control plane deployed are annotated orphan too before Kubernetes collects them with their owner.
 */
export async function orphanControlPlaneResources(gateway: KubeObject, ctx: SyncContext): Promise<void> {
  for (const r of await deployedBy(gateway, ctx)) {
    if (r.metadata.annotations?.[DELETION_POLICY] === 'orphan') continue;
    await ctx.cluster.patchMetadata(refOf(r), { annotations: { [DELETION_POLICY]: 'orphan' } }, r.metadata.resourceVersion ?? '');
  }
}
