import { z } from 'zod';

/** The operator's email check, loosely (as DeveloperUser's): one @, no blanks, a dotted domain. */
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const email = z.string().regex(EMAIL, 'must be an email address');
const secretRef = z.looseObject({ name: z.string().min(1).optional(), namespace: z.string().min(1).optional() });

/** The 3scale operator's Tenant spec (capabilities.3scale.net/v1alpha1, `tenant_types.go`). */
export const TenantSpec = z.looseObject({
  username: z.string().min(1),
  email,
  organizationName: z.string().min(1),
  // A string as upstream's CRD has it (the guide's `https://<MASTER_HOSTNAME>` validates); parsed when connecting.
  systemMasterUrl: z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL'),
  masterCredentialsRef: secretRef,
  passwordCredentialsRef: z.looseObject({ name: z.string().min(1), namespace: z.string().min(1).optional() }),
  tenantSecretRef: secretRef,
  fromEmail: email.optional(),
  supportEmail: email.optional(),
  financeSupportEmail: email.optional(),
  siteAccessCode: z.string().optional(),
});
export type TenantSpec = z.output<typeof TenantSpec>;
