import type { SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { ResourceType } from '../../shared/kube/resources.ts';

/**
 * The ids other resources of a kind hold on the same gateway (`status.gateway` and `status.id`), each with the
 * resource holding it: an object one of them manages is never adopted by another, whose sync then says which
 * resource has it. Only an object found by its natural key rather than its recorded id needs this (a create a crash
 * interrupted, a name already taken), so the kind's resources are listed on the first call only, at most once per sync.
 */
export function claimedIds(type: ResourceType, object: KubeObject, gatewayKey: string, ctx: SyncContext): () => Promise<Map<string, string>> {
  let claimed: Promise<Map<string, string>> | undefined;
  const list = async () => {
    const ids = new Map<string, string>();
    for (const other of await ctx.cluster.list(type)) {
      if (other.metadata.uid === object.metadata.uid) continue;
      const s = other.status ?? {};
      if (typeof s.id === 'string' && s.id && (s.gateway === undefined || s.gateway === gatewayKey)) ids.set(s.id, `${other.kind} ${other.metadata.namespace}/${other.metadata.name}`);
    }
    return ids;
  };
  return () => (claimed ??= list());
}
