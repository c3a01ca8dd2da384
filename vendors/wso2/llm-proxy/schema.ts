import { z } from 'zod';
import { BASE_PATH, DeploymentState, LlmPolicy, POLICY_VERSION, Resilience, UpstreamAuth, VERSION } from '../schemas.ts';

/** The gateway operator's LlmProxy spec: a proxy in front of LlmProviders (by their resource names). */
export const LlmProxySpec = z.looseObject({
  displayName: z.string().min(1),
  version: VERSION,
  context: BASE_PATH.optional(),
  vhost: z.string().optional(),
  provider: z.looseObject({ id: z.string().min(1), auth: UpstreamAuth.optional() }),
  additionalProviders: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        as: z.string().optional(),
        auth: UpstreamAuth.optional(),
        transformer: z.looseObject({ type: z.string(), version: POLICY_VERSION, params: z.unknown().optional() }).optional(),
      }),
    )
    .optional(),
  policies: z.array(LlmPolicy).optional(),
  resilience: Resilience.optional(),
  deploymentState: DeploymentState.optional(),
});
export type LlmProxySpec = z.output<typeof LlmProxySpec>;
