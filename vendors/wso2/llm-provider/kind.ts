import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { awaitResource } from '../dependencies.ts';
import { envelopeKind } from '../managed-kind.ts';
import { LlmProviderTemplateType, LlmProviderType } from '../resource-types.ts';
import { upstreamPayload } from '../upstream-payload.ts';
import { LlmProviderSpec } from './schema.ts';

/**
 * LlmProvider → the gateway's `/llm-providers/{name}`. It waits for its template: an LlmProviderTemplate resource of
 * that name until it is Programmed, or the gateway's refusal naming a missing template (a built-in one needs nothing).
 */
export const llmProviderKind: KindDefinition<LlmProviderSpec> = envelopeKind(LlmProviderType, LlmProviderSpec, ({ object, spec }, ctx) => ({
  collection: '/llm-providers',
  async body() {
    await awaitResource(LlmProviderTemplateType.kind, spec.template, object, ctx, 'spec.template');
    return upstreamPayload(spec, ['upstream'], object, ctx);
  },
  missing: (e) => ((e.status === 400 || e.status === 404) && /template/i.test(e.gatewayMessage) ? `spec.template: the gateway has no template ${spec.template} yet` : undefined),
}));
