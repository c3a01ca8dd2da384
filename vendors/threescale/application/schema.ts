import { z } from 'zod';

const LocalRef = z.looseObject({ name: z.string().min(1) });

/** The 3scale operator's Application spec (capabilities.3scale.net/v1beta1): suspend defaults to false. */
export const ApplicationSpec = z
  .looseObject({
    accountCR: LocalRef,
    productCR: LocalRef,
    applicationPlanName: z.string().min(1),
    name: z.string().min(1),
    description: z.string(),
    suspend: z.boolean().optional(),
    authSecretRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .transform((spec) => ({ ...spec, suspend: spec.suspend ?? false }));
export type ApplicationSpec = z.output<typeof ApplicationSpec>;
