import { z } from 'zod';

/** The 3scale operator's DeveloperAccount spec (capabilities.3scale.net/v1beta1); monthly flags default to true. */
export const DeveloperAccountSpec = z
  .looseObject({
    orgName: z.string().min(1),
    monthlyBillingEnabled: z.boolean().optional(),
    monthlyChargingEnabled: z.boolean().optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .transform((spec) => ({ ...spec, monthlyBillingEnabled: spec.monthlyBillingEnabled ?? true, monthlyChargingEnabled: spec.monthlyChargingEnabled ?? true }));
export type DeveloperAccountSpec = z.output<typeof DeveloperAccountSpec>;
