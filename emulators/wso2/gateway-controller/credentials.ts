/**
 * Upstream credentials are write-only (`credential_inheritance.go`, `credential_redaction.go`): never in
 * an answer, and an update that omits one keeps the stored value — unless the auth type changes or is
 * `none`, or (proxies) the provider it belonged to is replaced.
 */
import type { Json, Resource } from './store.ts';
import { list, obj, text } from './validation/fields.ts';

const hasValue = (auth: Json | undefined): boolean => typeof auth?.value === 'string' && auth.value !== '';

/** Fills `holder[key]` (an auth block) from the stored one, in place. */
function inherit(holder: Json, key: string, stored: Json | undefined): void {
  if (!stored || !hasValue(stored)) return;
  const incoming = obj(holder[key]);
  if (!incoming) {
    holder[key] = structuredClone(stored);
    return;
  }
  if (incoming.type === 'none' || incoming.type !== stored.type) return;
  if (!hasValue(incoming)) incoming.value = stored.value;
}

/** LlmProvider and Mcp: `spec.upstream.auth`. */
export function inheritUpstreamAuth(incoming: Resource, stored: Resource): void {
  const upstream = obj(incoming.spec.upstream);
  if (upstream) inherit(upstream, 'auth', obj(obj(stored.spec.upstream)?.auth));
}

/** LlmProxy: `spec.provider.auth` and each `additionalProviders[].auth`, matched by provider id. */
export function inheritProxyAuth(incoming: Resource, stored: Resource): void {
  const provider = obj(incoming.spec.provider);
  const storedProvider = obj(stored.spec.provider);
  if (provider && storedProvider && text(provider.id) === text(storedProvider.id)) inherit(provider, 'auth', obj(storedProvider.auth));
  const storedById = new Map((list(stored.spec.additionalProviders) ?? []).map((p) => [text(obj(p)?.id), obj(obj(p)?.auth)]));
  for (const extra of list(incoming.spec.additionalProviders) ?? []) {
    const entry = obj(extra);
    if (entry && storedById.has(text(entry.id))) inherit(entry, 'auth', storedById.get(text(entry.id)));
  }
}

const dropValue = (auth: unknown): void => {
  const a = obj(auth);
  if (a) delete a.value;
};

export const hideUpstreamAuth = (resource: Resource): void => dropValue(obj(resource.spec.upstream)?.auth);

export function hideProxyAuth(resource: Resource): void {
  dropValue(obj(resource.spec.provider)?.auth);
  for (const extra of list(resource.spec.additionalProviders) ?? []) dropValue(obj(extra)?.auth);
}
