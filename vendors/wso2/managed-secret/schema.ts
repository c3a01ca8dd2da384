import { z } from 'zod';
import { SecretValueSource } from '../value-source.ts';

/** The gateway operator's ManagedSecret spec: a secret the gateway stores encrypted, for its templates to use. */
export const ManagedSecretSpec = z.looseObject({
  displayName: z.string().min(1),
  description: z.string().optional(),
  value: SecretValueSource,
});
export type ManagedSecretSpec = z.output<typeof ManagedSecretSpec>;
