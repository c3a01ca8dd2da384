import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

/** A Secret (default) or ConfigMap key holding a client certificate; key `tls.crt` by default, as GKO's CRD says. */
const CertificateRef = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  key: z.string().min(1).optional(),
  kind: z.enum(['secrets', 'configmaps']).optional(),
});

const ClientCertificate = z.looseObject({
  name: z.string().optional(),
  content: z.string().optional(),
  ref: CertificateRef.optional(),
  encoded: z.boolean().optional(),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
});

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
      tls: z.looseObject({ clientCertificate: z.string().optional(), clientCertificates: z.array(ClientCertificate).optional() }).optional(),
    }),
  })
  .superRefine((spec, ctx) => {
    if (spec.settings.app && spec.settings.oauth) {
      ctx.addIssue({ code: 'custom', path: ['settings'], message: 'set either app or oauth, not both' });
    }
    // GKO's admission rules for certificates.
    const tls = spec.settings.tls;
    if (tls?.clientCertificate && tls.clientCertificates?.length) {
      ctx.addIssue({ code: 'custom', path: ['settings', 'tls'], message: 'set either clientCertificate or clientCertificates, not both' });
    }
    for (const [i, cert] of (tls?.clientCertificates ?? []).entries()) {
      if (Boolean(cert.content) === Boolean(cert.ref)) {
        ctx.addIssue({ code: 'custom', path: ['settings', 'tls', 'clientCertificates', i], message: 'set either content or ref' });
      }
    }
  });
export type ApplicationSpec = z.infer<typeof ApplicationSpec>;
