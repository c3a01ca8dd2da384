/** Inspection and drift helpers over the store (`emulator.state`). */
import { now, type GatewayStore, type Json, type StoredArtifact } from './store.ts';
import type { StateKind, StateKinds, Wso2GatewayControllerState } from './types.ts';

const ARTIFACT_KINDS = new Set<StateKind>(['RestApi', 'LlmProvider', 'LlmProxy', 'Mcp']);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function deepMerge(target: Json, changes: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(changes)) out[k] = isObject(v) && isObject(out[k]) ? deepMerge(out[k] as Json, v) : structuredClone(v);
  return out;
}

export function createStateApi(store: GatewayStore): Wso2GatewayControllerState {
  function all<K extends StateKind>(kind: K): StateKinds[K][] {
    if (ARTIFACT_KINDS.has(kind)) return store.artifactsOf(kind as StoredArtifact['kind']) as StateKinds[K][];
    const maps: Partial<Record<StateKind, Map<string, unknown>>> = {
      LlmProviderTemplate: store.templates,
      Secret: store.secrets,
      ApiKey: store.apiKeys,
      SubscriptionPlan: store.plans,
      Subscription: store.subscriptions,
      Certificate: store.certificates,
    };
    return [...maps[kind]!.values()] as StateKinds[K][];
  }

  function find<K extends StateKind>(kind: K, id: string): StateKinds[K] | undefined {
    if (ARTIFACT_KINDS.has(kind)) {
      const k = kind as StoredArtifact['kind'];
      return (store.artifactByHandle(k, id) ?? (store.artifacts.get(id)?.kind === k ? store.artifacts.get(id) : undefined)) as StateKinds[K] | undefined;
    }
    if (kind === 'LlmProviderTemplate') return (store.templates.get(id) ?? [...store.templates.values()].find((t) => t.uuid === id)) as StateKinds[K] | undefined;
    return all(kind).find((r) => {
      const record = r as unknown as Json;
      return record.id === id || record.uuid === id || record.handle === id;
    });
  }

  return {
    list: (kind) => structuredClone(all(kind)),
    get: (kind, id) => structuredClone(find(kind, id)),
    patch(kind, id, changes) {
      const record = find(kind, id) as unknown as Json | undefined;
      if (!record) throw new Error(`${kind} ${id} not found`);
      if ('resource' in record) {
        const resource = deepMerge(record.resource as Json, changes);
        record.resource = resource;
        record.updatedAt = now();
        if (ARTIFACT_KINDS.has(kind)) {
          // the columns conflicts and filters read follow the spec
          const spec = (resource.spec ?? {}) as Json;
          record.displayName = typeof spec.displayName === 'string' ? spec.displayName : '';
          record.version = typeof spec.version === 'string' ? spec.version : '';
        }
      } else {
        Object.assign(record, structuredClone(changes));
      }
    },
    remove(kind, id) {
      const record = find(kind, id) as unknown as Json | undefined;
      if (!record) return false;
      if (ARTIFACT_KINDS.has(kind)) store.deleteArtifact(record.uuid as string);
      else if (kind === 'LlmProviderTemplate' || kind === 'Secret') (kind === 'Secret' ? store.secrets : store.templates).delete(record.handle as string);
      else if (kind === 'ApiKey') store.apiKeys.delete(record.uuid as string);
      else if (kind === 'SubscriptionPlan') store.plans.delete(record.id as string);
      else if (kind === 'Subscription') store.subscriptions.delete(record.id as string);
      else store.certificates.delete(record.id as string);
      return true;
    },
  };
}
