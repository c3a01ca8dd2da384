import { z } from 'zod';
import { SecretValueSource } from '../value-source.ts';

/** The gateway operator's ApiKey spec: a key of a RestApi, LlmProvider or LlmProxy, by the parent's resource name. */
export const ApiKeySpec = z
  .looseObject({
    parentRef: z.looseObject({ kind: z.enum(['RestApi', 'LlmProvider', 'LlmProxy']), name: z.string().min(1) }),
    apiKey: SecretValueSource.optional(),
    displayName: z.string().optional(),
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an RFC 3339 date-time' }).optional(),
    expiresIn: z.looseObject({ duration: z.number().int().min(1), unit: z.enum(['seconds', 'minutes', 'hours', 'days', 'weeks', 'months']) }).optional(),
    externalRefId: z.string().optional(),
    issuer: z.string().optional(),
    maskedApiKey: z.string().optional(),
  })
  .refine((s) => s.expiresAt === undefined || s.expiresIn === undefined, { message: 'expiresAt and expiresIn are mutually exclusive', path: ['expiresIn'] });
export type ApiKeySpec = z.output<typeof ApiKeySpec>;
