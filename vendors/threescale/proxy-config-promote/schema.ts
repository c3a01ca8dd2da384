import { z } from 'zod';

/**
 * The 3scale operator's ProxyConfigPromote spec (capabilities.3scale.net/v1beta1): which Product CR to promote, to
 * production too or staging only, and whether the resource deletes itself once done.
 */
export const ProxyConfigPromoteSpec = z.looseObject({
  productCRName: z.string().min(1),
  production: z.boolean().optional(),
  deleteCR: z.boolean().optional(),
});
export type ProxyConfigPromoteSpec = z.output<typeof ProxyConfigPromoteSpec>;
