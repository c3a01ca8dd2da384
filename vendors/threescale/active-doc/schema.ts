import { z } from 'zod';

/** The operator's ActiveDoc default system name: the name without non-alphanumerics, lower-cased. */
export const activeDocSystemName = (name: string): string => name.replace(/[^a-zA-Z0-9]+/g, '').toLowerCase();

/** The 3scale operator's ActiveDoc spec (capabilities.3scale.net/v1beta1): the OpenAPI document from a Secret or a URL. */
export const ActiveDocSpec = z
  .looseObject({
    name: z.string().min(1),
    systemName: z.string().regex(/^[a-z0-9]+$/, 'only lower-case letters and digits').optional(),
    description: z.string().optional(),
    activeDocOpenAPIRef: z
      .looseObject({
        secretRef: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }).optional(),
        url: z.string().regex(/^https?:\/\/.+$/, 'must be an http(s) URL').optional(),
      })
      .refine((r) => !!r.secretRef !== !!r.url, 'exactly one of secretRef and url'),
    productSystemName: z.string().optional(),
    published: z.boolean().optional(),
    skipSwaggerValidations: z.boolean().optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .transform((spec) => ({
    ...spec,
    systemName: spec.systemName || activeDocSystemName(spec.name),
    published: spec.published ?? false,
    skipSwaggerValidations: spec.skipSwaggerValidations ?? false,
  }));
export type ActiveDocSpec = z.output<typeof ActiveDocSpec>;
