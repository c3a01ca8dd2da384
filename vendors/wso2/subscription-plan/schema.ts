import { z } from 'zod';

/** The gateway operator's SubscriptionPlan spec (SubscriptionPlanCreateRequest's fields). */
export const SubscriptionPlanSpec = z.looseObject({
  planName: z.string().min(1),
  billingPlan: z.string().optional(),
  expiryTime: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time' }).optional(),
  status: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  stopOnQuotaReach: z.boolean().optional(),
  throttleLimitCount: z.number().int().min(0).optional(),
  throttleLimitUnit: z.enum(['Day', 'Hour', 'Min', 'Month']).optional(),
});
export type SubscriptionPlanSpec = z.output<typeof SubscriptionPlanSpec>;
