import { z } from 'zod';
import { BASE_PATH, DeploymentState, LLM_METHOD, LlmPolicy, LlmUpstream, Resilience, UpstreamDefinition, VERSION } from '../schemas.ts';

/** The gateway operator's LlmProvider spec: an LLM upstream exposed through a template. */
export const LlmProviderSpec = z.looseObject({
  displayName: z.string().min(1),
  version: VERSION,
  template: z.string().min(1),
  context: BASE_PATH.optional(),
  vhost: z.string().optional(),
  upstream: LlmUpstream,
  upstreamDefinitions: z.array(UpstreamDefinition).optional(),
  accessControl: z.looseObject({
    mode: z.enum(['allow_all', 'deny_all']),
    exceptions: z.array(z.looseObject({ path: z.string(), methods: z.array(LLM_METHOD) })).optional(),
  }),
  policies: z.array(LlmPolicy).optional(),
  resilience: Resilience.optional(),
  deploymentState: DeploymentState.optional(),
});
export type LlmProviderSpec = z.output<typeof LlmProviderSpec>;
