// PLACEHOLDER owned by the bottom-up work (docs/wso2-design.md, "Bottom-up"): replaced by the real client.
import type { ExternalClient, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { GatewayConfig } from '../gateway/config.ts';

/** The gateway a RestApi is bound to, as bottom-up sync needs it. */
export interface BottomUpGateway {
  object: KubeObject;
  config: GatewayConfig;
}

/**
 * The APIM 4.7 side of a RestApi declared in Kubernetes: an external client (observe/create/update/delete) run after
 * the gateway's, or undefined when bottom-up sync does not apply (control-plane origin, no APIM control plane, no
 * OAuth2 credentials). Its status goes under `status.controlPlane`; its errors carry `stage: 'control-plane'`.
 */
export async function bottomUpClient(_restApi: KubeObject, _spec: Record<string, unknown>, _gateway: BottomUpGateway, _ctx: SyncContext): Promise<ExternalClient | undefined> {
  return undefined;
}
