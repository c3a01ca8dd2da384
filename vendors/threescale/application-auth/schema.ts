import { z } from 'zod';

/** The 3scale operator's ApplicationAuth spec (capabilities.3scale.net/v1beta1): generateSecret defaults to false. */
export const ApplicationAuthSpec = z
  .looseObject({
    applicationCRName: z.string().min(1),
    authSecretRef: z.looseObject({ name: z.string().min(1) }),
    generateSecret: z.boolean().optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .transform((spec) => ({ ...spec, generateSecret: spec.generateSecret ?? false }));
export type ApplicationAuthSpec = z.output<typeof ApplicationAuthSpec>;
