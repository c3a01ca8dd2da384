// PLACEHOLDER owned by the top-down work (docs/wso2-design.md, "Top-down"): replaced by the real handler.
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { VendorEvent } from '../../../shared/queue/envelope.ts';

/** What the control plane said about an APIGateway's gateway (relayed by the watcher): fetch, write, delete resources. */
export async function handleControlPlaneEvent(event: VendorEvent, apigateway: KubeObject, ctx: SyncContext): Promise<void> {
  ctx.log.warn('control-plane events are not handled yet', { type: event.type, gateway: apigateway.metadata.name });
}
