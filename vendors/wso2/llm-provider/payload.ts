import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { deploymentState } from '../deployment-state.ts';
import { resolvePolicies } from '../policy-params.ts';
import { resolveUpstreamAuth } from '../upstream-auth.ts';
import type { LlmProviderSpec } from './schema.ts';

type Json = Record<string, unknown>;

/** The spec sent (policy valueFrom and upstream credentials resolved), what a GET returns of it, and the write-only values. */
export interface LlmPayload {
  spec: Json;
  compared: Json;
  writeOnly: unknown[];
}

/** An LlmProvider as the operator deploys it (llmprovider_controller.go Deploy). */
export async function llmProviderPayload(spec: LlmProviderSpec, object: KubeObject, ctx: SyncContext): Promise<LlmPayload> {
  const sent: Json = { ...spec };
  if (spec.policies) sent.policies = await resolvePolicies(spec.policies, 'spec.policies', object, ctx);
  const state = deploymentState(object, spec.deploymentState);
  if (state) sent.deploymentState = state;
  const compared: Json = { ...sent };
  const writeOnly: unknown[] = [];
  if (spec.upstream.auth) {
    const auth = await resolveUpstreamAuth(spec.upstream.auth, 'spec.upstream.auth', object, ctx);
    sent.upstream = { ...spec.upstream, auth: auth.sent };
    compared.upstream = { ...spec.upstream, auth: auth.compared };
    writeOnly.push(auth.value);
  }
  return { spec: sent, compared, writeOnly };
}
