import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { envelopeKind } from '../managed-kind.ts';
import { LlmProviderTemplateType } from '../resource-types.ts';
import { LlmProviderTemplateSpec } from './schema.ts';

/** LlmProviderTemplate → the gateway's `/llm-provider-templates/{name}`, its spec sent unchanged. */
export const llmProviderTemplateKind: KindDefinition<LlmProviderTemplateSpec> = envelopeKind(LlmProviderTemplateType, LlmProviderTemplateSpec, ({ spec }) => ({
  collection: '/llm-provider-templates',
  body: async () => ({ spec }),
}));
