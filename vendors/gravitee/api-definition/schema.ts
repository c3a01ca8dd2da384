import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

/** The v2 (legacy) API definition: snake_case fields, plans as a list. */
export const ApiDefinitionSpec = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string(),
  contextRef: ContextRef.optional(),
  // true: the gateway reads the definition from a ConfigMap in the API's cluster (GKO's local mode).
  local: z.boolean().optional(),
  definition_context: z.looseObject({ origin: z.string().optional(), mode: z.string().optional(), syncFrom: z.string().optional() }).optional(),
  id: z.string().optional(),
  crossId: z.string().optional(),
  state: z.enum(['STARTED', 'STOPPED']).optional(),
  plans: z.array(z.looseObject({ name: z.string().min(1), description: z.string(), security: z.string().min(1) })).optional(),
  proxy: z.looseObject({}).optional(),
});
export type ApiDefinitionSpec = z.infer<typeof ApiDefinitionSpec>;
