import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { managedKind } from '../managed-kind.ts';
import { SubscriptionPlanType } from '../resource-types.ts';
import { subscriptionPlanClient } from './client.ts';
import { SubscriptionPlanSpec } from './schema.ts';

/** SubscriptionPlan → the gateway's `/subscription-plans/{id}`, the gateway's UUID kept in `status.id`. */
export const subscriptionPlanKind: KindDefinition<SubscriptionPlanSpec> = managedKind(SubscriptionPlanType, SubscriptionPlanSpec, ({ object, spec }, gateway, known, ctx) =>
  subscriptionPlanClient(gateway, object, spec, known, ctx),
);
