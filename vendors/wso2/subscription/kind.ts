import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { managedReferences } from '../references.ts';
import { SubscriptionType } from '../resource-types.ts';
import { subscriptionClient } from './client.ts';
import { SubscriptionSpec } from './schema.ts';

/** Subscription → the gateway's `/subscriptions/{id}`, the gateway's UUID kept in `status.id`. */
export const subscriptionKind: KindDefinition<SubscriptionSpec> = {
  ...SubscriptionType,
  references: managedReferences,
  schema: SubscriptionSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    return boundClient(desired, ctx, (gateway, known) => subscriptionClient(gateway, desired.object, desired.spec, known, ctx));
  },
};
