import { z } from 'zod';
import { SecretValueSource } from '../value-source.ts';

/**
 * The gateway operator's Subscription spec: `apiId` is an API's handle (a RestApi's name) or the gateway's id;
 * `subscriptionPlanId` names a SubscriptionPlan resource of the namespace, or is a plan's gateway id.
 */
export const SubscriptionSpec = z.looseObject({
  apiId: z.string().min(1),
  subscriptionToken: SecretValueSource,
  applicationId: z.string().optional(),
  subscriptionPlanId: z.string().optional(),
  billingCustomerId: z.string().optional(),
  billingSubscriptionId: z.string().optional(),
  status: z.string().optional(),
});
export type SubscriptionSpec = z.output<typeof SubscriptionSpec>;
