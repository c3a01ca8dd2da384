import type { ExternalStatus, KindDefinition } from '../../../shared/engine/kind.ts';
import { SubscriptionType } from '../resource-types.ts';
import { usersOf } from '../users.ts';

/**
 * The kind (an API or an Application) with GKO's `status.subscriptions`: how many Subscriptions reference the object,
 * counted from the cluster on each sync rather than incremented and decremented as GKO does, so a lost update never
 * skews it. Subscriptions reference their API and Application mutually: the object is re-synced, and recounted, when
 * one appears or goes.
 *
 * The count costs one paged LIST of Subscriptions in every namespace per sync (shared by observe and the write), and
 * stays so: a Subscription may name an API or Application in any namespace, so none can be left out; and a sync does
 * not know reliably that a Subscription changed (the watcher coalesces a waiting message, its reason replaced by the
 * latest, e.g. a resync), so keeping the last count on other syncs could leave a wrong one until the next change.
 */
export function withSubscriptionCount<S>(kind: KindDefinition<S>): KindDefinition<S> {
  return {
    ...kind,
    async connect(desired, ctx) {
      const client = await kind.connect(desired, ctx);
      if (desired.object.metadata.deletionTimestamp) return client;
      let count: Promise<number> | undefined;
      const counted = async (status: ExternalStatus): Promise<ExternalStatus> => ({
        ...status,
        subscriptions: await (count ??= usersOf(desired.object, [SubscriptionType], ctx).then((users) => users.length)),
      });
      return {
        ...client,
        observe: async () => {
          const observed = await client.observe();
          return observed.status ? { ...observed, status: await counted(observed.status) } : observed;
        },
        create: async () => counted(await client.create()),
        update: async () => counted(await client.update()),
        delete: () => client.delete(),
      };
    },
  };
}
