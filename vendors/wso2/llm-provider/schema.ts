import { z } from 'zod';
import { DeploymentState, LlmPolicy, LlmUpstream, Resilience, UpstreamDefinition, VERSION } from '../schemas.ts';

const LLM_CONTEXT = /^\/[a-zA-Z0-9\-._~!$&'()*+,;=:@%/]*[^/]$/;

/** The gateway operator's LlmProvider spec: an LLM upstream exposed through a template. */
export const LlmProviderSpec = z.looseObject({
  displayName: z.string().min(1),
  version: VERSION,
  template: z.string().min(1),
  context: z.string().regex(LLM_CONTEXT, `must match ${LLM_CONTEXT.source}`).optional(),
  vhost: z.string().optional(),
  upstream: LlmUpstream,
  upstreamDefinitions: z.array(UpstreamDefinition).optional(),
  accessControl: z.looseObject({
    mode: z.enum(['allow_all', 'deny_all']),
    exceptions: z.array(z.looseObject({ path: z.string(), methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', '*'])) })).optional(),
  }),
  policies: z.array(LlmPolicy).optional(),
  resilience: Resilience.optional(),
  deploymentState: DeploymentState.optional(),
});
export type LlmProviderSpec = z.output<typeof LlmProviderSpec>;
