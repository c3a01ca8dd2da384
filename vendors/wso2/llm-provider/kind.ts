import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { boundClient } from '../bound-client.ts';
import { wso2Conditions } from '../conditions.ts';
import { awaitResource, waitingOnGateway } from '../dependencies.ts';
import { envelopeClient } from '../envelope-client.ts';
import { managedReferences } from '../references.ts';
import { LlmProviderTemplateType, LlmProviderType } from '../resource-types.ts';
import { upstreamPayload } from '../upstream-payload.ts';
import { LlmProviderSpec } from './schema.ts';

/**
 * LlmProvider → the gateway's `/llm-providers/{name}`. It waits for its template: an LlmProviderTemplate resource of
 * that name until it is Programmed, or the gateway's refusal naming a missing template (a built-in one needs nothing).
 */
export const llmProviderKind: KindDefinition<LlmProviderSpec> = {
  ...LlmProviderType,
  references: managedReferences,
  schema: LlmProviderSpec,
  conditions: wso2Conditions,
  async connect(desired, ctx) {
    const { object, spec } = desired;
    const body = async () => {
      await awaitResource(LlmProviderTemplateType.kind, spec.template, object, ctx, 'spec.template');
      return upstreamPayload(spec, ['upstream'], object, ctx);
    };
    return boundClient(desired, ctx, (gateway, known) => {
      const client = envelopeClient(gateway.management, { object, collection: '/llm-providers', kind: 'LlmProvider', body, statusId: true }, known);
      return waitingOnGateway(client, (e) => ((e.status === 400 || e.status === 404) && /template/i.test(e.gatewayMessage) ? `spec.template: the gateway has no template ${spec.template} yet` : undefined));
    });
  },
};
