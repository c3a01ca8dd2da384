import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { managedKind } from '../managed-kind.ts';
import { SubscriptionType } from '../resource-types.ts';
import { subscriptionClient } from './client.ts';
import { SubscriptionSpec } from './schema.ts';

/** Subscription → the gateway's `/subscriptions/{id}`, the gateway's UUID kept in `status.id`. */
export const subscriptionKind: KindDefinition<SubscriptionSpec> = managedKind(SubscriptionType, SubscriptionSpec, ({ object, spec }, gateway, known, ctx) => subscriptionClient(gateway, object, spec, known, ctx));
