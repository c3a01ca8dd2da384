import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { deploymentState } from '../deployment-state.ts';
import type { LlmPayload } from '../llm-provider/payload.ts';
import { resolvePolicies } from '../policy-params.ts';
import { resolveUpstreamAuth } from '../upstream-auth.ts';
import type { LlmProxySpec } from './schema.ts';

type Json = Record<string, unknown>;

/** An LlmProxy as the operator deploys it (llmproxy_controller.go Deploy): the provider's and each additional provider's credentials flattened. */
export async function llmProxyPayload(spec: LlmProxySpec, object: KubeObject, ctx: SyncContext): Promise<LlmPayload> {
  const sent: Json = { ...spec };
  if (spec.policies) sent.policies = await resolvePolicies(spec.policies, 'spec.policies', object, ctx);
  const state = deploymentState(object, spec.deploymentState);
  if (state) sent.deploymentState = state;
  const compared: Json = { ...sent };
  const writeOnly: unknown[] = [];
  if (spec.provider.auth) {
    const auth = await resolveUpstreamAuth(spec.provider.auth, 'spec.provider.auth', object, ctx);
    sent.provider = { ...spec.provider, auth: auth.sent };
    compared.provider = { ...spec.provider, auth: auth.compared };
    writeOnly.push(auth.value);
  }
  if (spec.additionalProviders) {
    const resolved = await Promise.all(
      spec.additionalProviders.map(async (p, i) => (p.auth ? { p, auth: await resolveUpstreamAuth(p.auth, `spec.additionalProviders[${i}].auth`, object, ctx) } : { p, auth: undefined })),
    );
    sent.additionalProviders = resolved.map(({ p, auth }) => (auth ? { ...p, auth: auth.sent } : p));
    compared.additionalProviders = resolved.map(({ p, auth }) => (auth ? { ...p, auth: auth.compared } : p));
    writeOnly.push(...resolved.map(({ auth }) => auth?.value));
  }
  return { spec: sent, compared, writeOnly };
}
