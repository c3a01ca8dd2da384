import { mergeConditions, findCondition } from '../../../shared/engine/conditions.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';

/**
 * The APIGateway condition that says whether apim-sync's watcher holds the gateway's control-plane connection, set
 * from the watcher's `connection.refused` and `connection.restored` events.
 */
export const CONNECTED = 'ControlPlaneConnected';

/**
 * Writes the condition when it changes (a restored connection after a refusal, a refusal of another cause); guarded by
 * resourceVersion so it never undoes a concurrent status write (a 409 is retried with the event).
 */
export async function writeConnectionCondition(gateway: KubeObject, connected: boolean, detail: string | undefined, ctx: SyncContext): Promise<void> {
  const reason = connected ? 'Connected' : 'Refused';
  const message = connected
    ? 'the watcher holds the control plane connection on behalf of the gateway'
    : `the control plane refused the connection: ${detail ?? 'no detail'}; retried every reconnect_max, and at once when the APIGateway, its values or its token Secret change`;
  const current = findCondition(gateway.status, CONNECTED);
  if (current && current.status === (connected ? 'True' : 'False') && current.reason === reason && current.message === message) return;
  const conditions = mergeConditions(gateway.status?.conditions, [{ type: CONNECTED, status: connected ? 'True' : 'False', reason, message }], gateway.metadata.generation);
  await ctx.cluster.patchStatus(refOf(gateway), { conditions }, gateway.metadata.resourceVersion);
  ctx.log.info('control-plane connection condition written', { gateway: gateway.metadata.name, namespace: gateway.metadata.namespace, connected, reason });
}
