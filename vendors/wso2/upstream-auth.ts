import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { resolveValue, type SecretValueSource } from './value-source.ts';

type Json = Record<string, unknown>;

/** Upstream credentials as the payload carries them, and as a GET returns them (without the write-only value). */
export interface ResolvedAuth {
  sent: Json;
  compared: Json;
  value: string | undefined;
}

/**
 * An LLM or MCP upstream's `auth` with its SecretValueSource flattened into the plain `value` string the gateway
 * takes (management_upstream_auth_payload.go); the gateway never returns it, so it is compared by fingerprint.
 */
export async function resolveUpstreamAuth(auth: Json & { value: SecretValueSource }, field: string, object: KubeObject, ctx: SyncContext): Promise<ResolvedAuth> {
  const value = await resolveValue(auth.value, `${field}.value`, object, ctx);
  const { value: _source, ...rest } = auth;
  return { sent: value === undefined ? rest : { ...rest, value }, compared: rest, value };
}
