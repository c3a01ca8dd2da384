import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { awaitResource } from '../dependencies.ts';
import { envelopeKind } from '../managed-kind.ts';
import { LlmProviderType, LlmProxyType } from '../resource-types.ts';
import { upstreamPayload } from '../upstream-payload.ts';
import { LlmProxySpec } from './schema.ts';

/** LlmProxy → the gateway's `/llm-proxies/{name}`; it waits for the LlmProviders it names to be on the gateway. */
export const llmProxyKind: KindDefinition<LlmProxySpec> = envelopeKind(LlmProxyType, LlmProxySpec, ({ object, spec }, ctx) => ({
  collection: '/llm-proxies',
  async body() {
    await awaitResource(LlmProviderType.kind, spec.provider.id, object, ctx, 'spec.provider.id');
    for (const [i, p] of (spec.additionalProviders ?? []).entries()) await awaitResource(LlmProviderType.kind, p.id, object, ctx, `spec.additionalProviders[${i}].id`);
    return upstreamPayload(spec, ['provider', 'additionalProviders'], object, ctx);
  },
  // The gateway answers a proxy whose provider it does not have with 404 (or a 400 naming the provider).
  missing: (e) => (e.status === 404 || (e.status === 400 && /provider/i.test(e.gatewayMessage) && /not found|does not exist|unknown/i.test(e.gatewayMessage)) ? `spec.provider.id: the gateway has no LLM provider ${spec.provider.id} yet` : undefined),
}));
