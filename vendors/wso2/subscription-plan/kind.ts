import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { managedReferences } from '../references.ts';
import { SubscriptionPlanType } from '../resource-types.ts';
import { subscriptionPlanClient } from './client.ts';
import { SubscriptionPlanSpec } from './schema.ts';

/** SubscriptionPlan → the gateway's `/subscription-plans/{id}`, the gateway's UUID kept in `status.id`. */
export const subscriptionPlanKind: KindDefinition<SubscriptionPlanSpec> = {
  ...SubscriptionPlanType,
  references: managedReferences,
  schema: SubscriptionPlanSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    return boundClient(desired, ctx, (gateway, known) => subscriptionPlanClient(gateway, desired.object, desired.spec, known, ctx));
  },
};
