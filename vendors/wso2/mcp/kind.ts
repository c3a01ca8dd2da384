import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { envelopeKind } from '../managed-kind.ts';
import { McpType } from '../resource-types.ts';
import { upstreamPayload } from '../upstream-payload.ts';
import { McpSpec } from './schema.ts';

/** Mcp → the gateway's `/mcp-proxies/{name}`. */
export const mcpKind: KindDefinition<McpSpec> = envelopeKind(McpType, McpSpec, ({ object, spec }, ctx) => ({
  collection: '/mcp-proxies',
  body: () => upstreamPayload(spec, ['upstream'], object, ctx),
}));
