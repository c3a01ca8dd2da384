import { z } from 'zod';

const RFC3339 = z.iso.datetime({ offset: true, error: 'must be an RFC3339 date-time (e.g. 2040-12-25T09:12:28Z)' });

const Ref = z.looseObject({ name: z.string({ error: 'Required' }).min(1, 'Required'), namespace: z.string().optional() });

/** The API kinds a subscription may name, as GKO's admission allows them (kind defaults to ApiV4Definition). */
const API_KINDS = new Set(['apiv4definition', 'apiv4definitions', 'apidefinition', 'apidefinitions']);

// Messages never quote a key: API keys are secrets, and conditions, events and logs carry these messages.
const ApiKey = z.looseObject({
  key: z.string({ error: 'Required' }).min(32, 'must have at least 32 characters').max(256, 'must have at most 256 characters'),
  expireAt: RFC3339.optional(),
});

/** GKO's Subscription: an Application subscribing to a plan (by its key in the API's spec) of an API. */
export const SubscriptionSpec = z.looseObject({
  api: Ref.extend({
    kind: z
      .string()
      .optional()
      .refine((k) => k === undefined || k === '' || API_KINDS.has(k.toLowerCase()), 'must be ApiV4Definition or ApiDefinition'),
  }),
  application: Ref,
  plan: z.string({ error: 'Required (the key of a plan in the API)' }).min(1, 'Required (the key of a plan in the API)'),
  endingAt: RFC3339.optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  apiKeys: z
    .array(ApiKey)
    .optional()
    .superRefine((keys, ctx) => {
      const first = new Map<string, number>();
      (keys ?? []).forEach((k, i) => {
        const seen = first.get(k.key);
        if (seen === undefined) first.set(k.key, i);
        else ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `the same key as apiKeys[${seen}]` });
      });
    }),
  consumerConfiguration: z
    .looseObject({
      entrypointId: z.string({ error: 'Required' }).min(1, 'Required'),
      channel: z.string().optional(),
      entrypointConfiguration: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
});
export type SubscriptionSpec = z.infer<typeof SubscriptionSpec>;
