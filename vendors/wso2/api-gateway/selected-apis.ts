import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { CP_ANNOTATIONS } from '../control-plane/metadata.ts';
import { gatewayKey, selectingGateways } from '../gateway/selection.ts';
import { APIGatewayType, RestApiType } from '../resource-types.ts';

/** `status.selectedAPIs`: the RestApis that deploy to this gateway (named by their annotation, or chosen by selection). */
export async function selectedApis(gateway: KubeObject, ctx: SyncContext): Promise<number> {
  const key = gatewayKey(gateway);
  const [apis, gateways] = await Promise.all([ctx.cluster.list(RestApiType), ctx.cluster.list(APIGatewayType)]);
  return apis.filter((api) => {
    const named = api.metadata.annotations?.[CP_ANNOTATIONS.gateway];
    if (named) return named === key;
    const first = selectingGateways(gateways, api)[0];
    return first !== undefined && gatewayKey(first) === key;
  }).length;
}
