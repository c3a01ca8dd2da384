import { z } from 'zod';
import { SecretValueSource } from '../value-source.ts';

/** The gateway operator's Certificate spec: a PEM bundle (inline or from a Secret) uploaded under `displayName`. */
export const CertificateSpec = z.looseObject({
  displayName: z.string().min(1),
  certificate: SecretValueSource,
});
export type CertificateSpec = z.output<typeof CertificateSpec>;
