import { permanent, waitingFor } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { readyAtGeneration } from '../../../shared/engine/conditions.ts';
import { SubscriptionPlanType } from '../resource-types.ts';

/**
 * The gateway id of a Subscription's plan (resolveSubscriptionPlanIDForCreate): `subscriptionPlanId` naming a
 * SubscriptionPlan resource of the namespace is that plan's `status.id` on the same gateway (waiting until it has
 * one); otherwise it is taken as the gateway's plan id.
 */
export async function subscriptionPlanId(planRef: string | undefined, object: KubeObject, gatewayKey: string, ctx: SyncContext): Promise<string | undefined> {
  if (!planRef) return undefined;
  const ns = object.metadata.namespace ?? 'default';
  const plan = await ctx.cluster.get({ ...SubscriptionPlanType, namespace: ns, name: planRef });
  if (!plan) return planRef;
  const id = plan.status?.id;
  if (typeof id !== 'string' || !id || !readyAtGeneration(plan)) throw waitingFor(`spec.subscriptionPlanId: SubscriptionPlan ${ns}/${planRef} is not Programmed on its gateway yet`);
  if (typeof plan.status?.gateway === 'string' && plan.status.gateway !== gatewayKey) {
    throw permanent('InvalidSpec', `spec.subscriptionPlanId: SubscriptionPlan ${ns}/${planRef} is on gateway ${plan.status.gateway}, this Subscription on ${gatewayKey}`);
  }
  return id;
}
