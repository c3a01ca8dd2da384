import { z } from 'zod';

/** The operator's email check (`pkg/apispkg/helper/email.go`), loosely: one @, no blanks, a dotted domain. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The 3scale operator's DeveloperUser spec (capabilities.3scale.net/v1beta1): role defaults to member, suspended to false. */
export const DeveloperUserSpec = z
  .looseObject({
    username: z.string().min(1),
    email: z.string().regex(EMAIL, 'must be an email address'),
    passwordCredentialsRef: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
    developerAccountRef: z.looseObject({ name: z.string().min(1) }),
    suspended: z.boolean().optional(),
    role: z.enum(['admin', 'member']).optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .transform((spec) => ({ ...spec, suspended: spec.suspended ?? false, role: spec.role ?? 'member' }));
export type DeveloperUserSpec = z.output<typeof DeveloperUserSpec>;
