import { z } from 'zod';
import { BASE_PATH, DeploymentState, LlmUpstream, Policy, Resilience, UpstreamDefinition, VERSION } from '../schemas.ts';

/** The gateway operator's Mcp spec: an MCP proxy with its tools, resources and prompts. */
export const McpSpec = z.looseObject({
  displayName: z.string().min(1),
  version: VERSION,
  context: BASE_PATH.optional(),
  vhost: z.string().optional(),
  specVersion: z.string().optional(),
  upstream: LlmUpstream,
  upstreamDefinitions: z.array(UpstreamDefinition).optional(),
  policies: z.array(Policy).optional(),
  resilience: Resilience.optional(),
  deploymentState: DeploymentState.optional(),
  tools: z.array(z.looseObject({ name: z.string(), description: z.string(), inputSchema: z.string(), outputSchema: z.string().optional(), title: z.string().optional() })).optional(),
  resources: z.array(z.looseObject({ name: z.string(), uri: z.string(), description: z.string().optional(), mimeType: z.string().optional(), size: z.number().int().optional(), title: z.string().optional() })).optional(),
  prompts: z
    .array(
      z.looseObject({
        name: z.string(),
        description: z.string().optional(),
        title: z.string().optional(),
        arguments: z.array(z.looseObject({ name: z.string(), description: z.string().optional(), required: z.boolean().optional(), title: z.string().optional() })).optional(),
      }),
    )
    .optional(),
});
export type McpSpec = z.output<typeof McpSpec>;
