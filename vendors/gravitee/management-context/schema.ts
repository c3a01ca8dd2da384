import { z } from 'zod';

const SecretRef = z.looseObject({ name: z.string().min(1), namespace: z.string().optional(), kind: z.string().optional() });

export const ManagementContextSpec = z
  .looseObject({
    baseUrl: z.string().regex(/^https?:\/\/.+$/, 'must be an http(s) URL').optional(),
    organizationId: z.string().min(1).optional(),
    environmentId: z.string().min(1).optional(),
    path: z.string().regex(/^\//, 'must start with /').optional(),
    auth: z
      .looseObject({
        bearerToken: z.string().optional(),
        credentials: z.looseObject({ username: z.string(), password: z.string() }).optional(),
        secretRef: SecretRef.optional(),
      })
      .optional(),
    cloud: z.looseObject({ token: z.string().optional(), secretRef: SecretRef.optional() }).optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.cloud) return; // Gravitee Cloud derives the URL, org and env from its token.
    for (const field of ['baseUrl', 'organizationId', 'environmentId'] as const) {
      if (!spec[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'Required' });
    }
    if (spec.baseUrl) {
      try {
        new URL(spec.baseUrl);
      } catch {
        ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'must be an http(s) URL' });
      }
    }
  });
export type ManagementContextSpec = z.infer<typeof ManagementContextSpec>;

/** What resources put in `spec.contextRef`; the namespace defaults to the resource's own. */
export const ContextRef = z.looseObject({ name: z.string().min(1), namespace: z.string().optional(), kind: z.string().optional() });
