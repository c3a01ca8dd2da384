import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

export const ApplicationSpec = z
  .looseObject({
    contextRef: ContextRef,
    name: z.string().min(1),
    description: z.string(),
    id: z.string().optional(),
    hrid: z.string().optional(),
    settings: z.looseObject({
      app: z.looseObject({ type: z.string().optional(), clientId: z.string().optional() }).optional(),
      oauth: z.looseObject({ applicationType: z.string().min(1), grantTypes: z.array(z.string()).optional() }).optional(),
      tls: z.looseObject({}).optional(),
    }),
  })
  .superRefine((spec, ctx) => {
    if (spec.settings.app && spec.settings.oauth) {
      ctx.addIssue({ code: 'custom', path: ['settings'], message: 'set either app or oauth, not both' });
    }
  });
export type ApplicationSpec = z.infer<typeof ApplicationSpec>;
