import { z } from 'zod';

/** GKO's console API events (api/model/notification: ApiEvent). */
const API_EVENTS = [
  'APIKEY_EXPIRED', 'APIKEY_RENEWED', 'APIKEY_REVOKED', 'SUBSCRIPTION_NEW', 'SUBSCRIPTION_ACCEPTED', 'SUBSCRIPTION_CLOSED',
  'SUBSCRIPTION_PAUSED', 'SUBSCRIPTION_RESUMED', 'SUBSCRIPTION_REJECTED', 'SUBSCRIPTION_TRANSFERRED', 'SUBSCRIPTION_FAILED',
  'NEW_SUPPORT_TICKET', 'API_STARTED', 'API_STOPPED', 'API_UPDATED', 'API_DEPLOYED', 'NEW_RATING', 'NEW_RATING_ANSWER',
  'MESSAGE', 'ASK_FOR_REVIEW', 'REVIEW_OK', 'REQUEST_FOR_CHANGES', 'API_DEPRECATED', 'NEW_SPEC_GENERATED',
] as const;

const GroupRef = z.looseObject({ name: z.string().min(1), namespace: z.string().optional() });

/** Console notifications for APIs, the only target and event type GKO has (the CRD's defaults). */
export const NotificationSpec = z.looseObject({
  target: z.literal('console', { error: 'must be console (the only target)' }).default('console'),
  eventType: z.literal('api', { error: 'must be api (the only event type)' }).default('api'),
  console: z
    .looseObject({
      groupRefs: z.array(GroupRef).optional(),
      apiEvents: z.array(z.enum(API_EVENTS)).optional(),
      groups: z.array(z.string()).optional(),
    })
    .default({}),
});
export type NotificationSpec = z.infer<typeof NotificationSpec>;
