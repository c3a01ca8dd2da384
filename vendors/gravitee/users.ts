import type { SyncContext } from '../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';
import type { ResourceType } from '../../shared/kube/resources.ts';
import { KubeApiError } from '../../shared/kube/kube-http.ts';
import { references } from './references.ts';

/**
 * Resources of the given kinds, in any namespace, that reference `target`: what must go before it may (GKO blocks
 * deleting a context, an ApiResource, a shared policy group or a Portal while something uses it, and an API or an
 * Application while a Subscription, listing or page does).
 */
export async function usersOf(target: KubeObject, types: ResourceType[], ctx: SyncContext): Promise<ObjectRef[]> {
  const self = refOf(target);
  const users: ObjectRef[] = [];
  for (const type of types) {
    for (const obj of await listInstalled(type, ctx)) if (references(obj, self)) users.push(refOf(obj));
  }
  return users;
}

/** Objects of `type` in any namespace; a kind whose CRD the cluster does not have (a user installed GKO's first four only) has none. */
export async function listInstalled(type: ResourceType, ctx: SyncContext): Promise<KubeObject[]> {
  try {
    return await ctx.cluster.list(type);
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof KubeApiError && cause.status === 404) return [];
    throw err;
  }
}
