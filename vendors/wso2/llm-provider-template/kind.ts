import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { envelopeClient } from '../envelope-client.ts';
import { managedReferences } from '../references.ts';
import { LlmProviderTemplateType } from '../resource-types.ts';
import { LlmProviderTemplateSpec } from './schema.ts';

/** LlmProviderTemplate → the gateway's `/llm-provider-templates/{name}`, its spec sent unchanged. */
export const llmProviderTemplateKind: KindDefinition<LlmProviderTemplateSpec> = {
  ...LlmProviderTemplateType,
  references: managedReferences,
  schema: LlmProviderTemplateSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    const { object, spec } = desired;
    return boundClient(desired, ctx, (gateway, known) =>
      envelopeClient(gateway.management, { object, collection: '/llm-provider-templates', kind: 'LlmProviderTemplate', body: async () => ({ spec }), statusId: true }, known),
    );
  },
};
