import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { gatewaySelector } from '../control-plane/metadata.ts';
import { gatewayKey, namedGateway, selectingGateways, selectionScope, selects } from '../gateway/selection.ts';
import { APIGatewayType, RestApiType } from '../resource-types.ts';

/**
 * `status.selectedAPIs`: the RestApis that deploy to this gateway, named by their annotation or chosen by selection
 * (the first selecting APIGateway by namespace/name, as gatewayFor chooses). An APIGateway syncs often (every report
 * of its control-plane connection, every resync), so only what it may select is listed: its selector's scope (the
 * API server filters namespaces and labels), plus, when that scope misses them, its control plane's RestApis (in its
 * namespace, labelled with its name); the other APIGateways only when a RestApi is selected rather than named.
 */
export async function selectedApis(gateway: KubeObject, ctx: SyncContext): Promise<number> {
  const key = gatewayKey(gateway);
  const ns = gateway.metadata.namespace ?? 'default';
  const scope = selectionScope(gateway);
  const lists = (scope.namespaces ?? [undefined]).map((n) => ctx.cluster.list(RestApiType, n, { labelSelector: scope.labelSelector }));
  const scopeHasOwnNamespace = !scope.labelSelector && (!scope.namespaces || scope.namespaces.includes(ns));
  if (!scopeHasOwnNamespace) lists.push(ctx.cluster.list(RestApiType, ns, { labelSelector: gatewaySelector(gateway.metadata.name) }));
  const apis = new Map((await Promise.all(lists)).flat().map((api) => [`${api.metadata.namespace}/${api.metadata.name}`, api]));

  let gateways: Promise<KubeObject[]> | undefined;
  let count = 0;
  for (const api of apis.values()) {
    const named = namedGateway(api);
    if (named !== undefined) {
      if (named === key) count++;
      continue;
    }
    if (!selects(gateway, api)) continue;
    const first = selectingGateways(await (gateways ??= ctx.cluster.list(APIGatewayType)), api)[0];
    if (first !== undefined && gatewayKey(first) === key) count++;
  }
  return count;
}
