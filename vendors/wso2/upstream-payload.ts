import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { deploymentState } from './deployment-state.ts';
import type { EnvelopeBody } from './envelope-client.ts';
import { resolvePolicies } from './policy-params.ts';
import { resolveValue, type SecretValueSource } from './value-source.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** What this piece reads of an LLM or MCP spec; every other field is sent as it is. */
interface UpstreamSpec {
  policies?: unknown;
  deploymentState?: 'deployed' | 'undeployed';
}

/**
 * An LlmProvider, LlmProxy or Mcp as the operator deploys it (llmprovider_controller.go, llmproxy_controller.go,
 * mcp_controller.go Deploy): policy params' valueFrom resolved, `deploymentState` from the annotation, and the upstream
 * credentials of each field `credentials` names (`upstream`; `provider` and every entry of `additionalProviders`)
 * flattened into the plain value the gateway takes (management_upstream_auth_payload.go). The gateway never returns
 * that value: it is left out of what a GET is compared with, and listed as write-only for the status fingerprint.
 */
export async function upstreamPayload<S extends Json & UpstreamSpec>(spec: S, credentials: readonly (keyof S & string)[], object: KubeObject, ctx: SyncContext): Promise<EnvelopeBody> {
  const sent: Json = { ...spec };
  if (spec.policies) sent.policies = await resolvePolicies(spec.policies, 'spec.policies', object, ctx);
  const state = deploymentState(object, spec.deploymentState);
  if (state) sent.deploymentState = state;
  const compared: Json = { ...sent };
  const writeOnly: unknown[] = [];
  for (const field of credentials) {
    const holder = spec[field];
    if (Array.isArray(holder)) {
      const entries = await Promise.all(holder.map((h, i) => withAuthResolved(h, `spec.${field}[${i}]`, object, ctx)));
      sent[field] = entries.map((e, i) => e?.sent ?? holder[i]);
      compared[field] = entries.map((e, i) => e?.compared ?? holder[i]);
      // One per entry, with or without credentials, so an entry gaining some changes the fingerprint.
      writeOnly.push(...entries.map((e) => e?.value));
    } else {
      const e = await withAuthResolved(holder, `spec.${field}`, object, ctx);
      if (!e) continue;
      sent[field] = e.sent;
      compared[field] = e.compared;
      writeOnly.push(e.value);
    }
  }
  return { spec: sent, compared, writeOnly };
}

/**
 * An upstream (or provider) with `auth`: its SecretValueSource replaced by the plain `value` it stands for, as sent,
 * and without it, as a GET returns it. Undefined for one without credentials.
 */
async function withAuthResolved(holder: unknown, field: string, object: KubeObject, ctx: SyncContext): Promise<{ sent: Json; compared: Json; value: string | undefined } | undefined> {
  if (!isObject(holder) || !isObject(holder.auth)) return undefined;
  const { value: source, ...auth } = holder.auth;
  const value = await resolveValue(source as SecretValueSource, `${field}.auth.value`, object, ctx);
  return { sent: { ...holder, auth: value === undefined ? auth : { ...auth, value } }, compared: { ...holder, auth }, value };
}
