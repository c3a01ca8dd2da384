import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { deploymentState } from '../deployment-state.ts';
import type { LlmPayload } from '../llm-provider/payload.ts';
import { resolvePolicies } from '../policy-params.ts';
import { resolveUpstreamAuth } from '../upstream-auth.ts';
import type { McpSpec } from './schema.ts';

type Json = Record<string, unknown>;

/** An Mcp as the operator deploys it (mcp_controller.go Deploy): policy valueFrom and upstream credentials resolved. */
export async function mcpPayload(spec: McpSpec, object: KubeObject, ctx: SyncContext): Promise<LlmPayload> {
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
