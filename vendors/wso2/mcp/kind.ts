import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { envelopeClient } from '../envelope-client.ts';
import { managedReferences } from '../references.ts';
import { McpType } from '../resource-types.ts';
import { upstreamPayload } from '../upstream-payload.ts';
import { McpSpec } from './schema.ts';

/** Mcp → the gateway's `/mcp-proxies/{name}`. */
export const mcpKind: KindDefinition<McpSpec> = {
  ...McpType,
  references: managedReferences,
  schema: McpSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    const { object, spec } = desired;
    return boundClient(desired, ctx, (gateway, known) =>
      envelopeClient(gateway.management, { object, collection: '/mcp-proxies', kind: 'Mcp', body: () => upstreamPayload(spec, ['upstream'], object, ctx), statusId: true }, known),
    );
  },
};
