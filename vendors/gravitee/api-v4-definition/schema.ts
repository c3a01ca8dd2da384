import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

const Named = z.looseObject({ type: z.string().min(1) });

/** The fields apim-sync relies on; everything else passes through to APIM, which validates it. */
export const ApiV4DefinitionSpec = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  type: z.enum(['PROXY', 'MESSAGE', 'NATIVE', 'LLM_PROXY', 'MCP_PROXY', 'A2A_PROXY']),
  contextRef: ContextRef.optional(),
  id: z.string().optional(),
  hrid: z.string().optional(),
  state: z.enum(['STARTED', 'STOPPED']).optional(),
  lifecycleState: z.enum(['CREATED', 'PUBLISHED', 'UNPUBLISHED', 'DEPRECATED', 'ARCHIVED']).optional(),
  // KUBERNETES: the gateway reads the definition from a ConfigMap in the API's cluster (GKO's local mode).
  definitionContext: z.looseObject({ origin: z.enum(['KUBERNETES']).optional(), syncFrom: z.enum(['KUBERNETES', 'MANAGEMENT']).optional() }).optional(),
  listeners: z.array(Named).min(1),
  endpointGroups: z.array(z.looseObject({ name: z.string().min(1), type: z.string().min(1) })).min(1),
  plans: z.record(z.string(), z.looseObject({ name: z.string().min(1) })).optional(),
  pages: z.record(z.string(), z.looseObject({ name: z.string().optional(), type: z.string().min(1) })).optional(),
});
export type ApiV4DefinitionSpec = z.infer<typeof ApiV4DefinitionSpec>;
