import type { ExternalClient, ExternalStatus, KindDefinition, SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { references } from '../references.ts';
import { SubscriptionType } from '../resource-types.ts';
import { listInstalled } from '../users.ts';

/** Live Subscriptions (not being deleted) that name each target, from one LIST of Subscriptions in every namespace. */
async function countSubscriptions(targets: ObjectRef[], ctx: SyncContext): Promise<number[]> {
  const live = (await listInstalled(SubscriptionType, ctx)).filter((s) => !s.metadata.deletionTimestamp);
  return targets.map((t) => live.filter((s) => references(s, t)).length);
}

/**
 * The kind (an API or an Application) with GKO's `status.subscriptions`: how many Subscriptions name the object,
 * counted from the cluster on each of its syncs rather than incremented and decremented as GKO does, so a lost update
 * never skews it. A Subscription also recounts both when it is created or deleted (`recountingSubscriptions`), as
 * GKO's Subscription controller updates the counters; so an API and an Application need not re-sync on every change of
 * their Subscriptions (a mutual reference would wake each of them, and through them each other, on every status write).
 *
 * The count costs one paged LIST of Subscriptions in every namespace per sync (shared by observe and the write): a
 * Subscription may name an API or Application in any namespace, so none can be left out.
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
        subscriptions: await (count ??= countSubscriptions([refOf(desired.object)], ctx).then(([n]) => n!)),
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

/** Writes the count of each target that differs from its status (a status merge patch of that one field; idempotent). */
async function recount(targets: ObjectRef[], ctx: SyncContext): Promise<void> {
  const counts = await countSubscriptions(targets, ctx);
  for (const [i, ref] of targets.entries()) {
    const obj: KubeObject | undefined = await ctx.cluster.get(ref);
    if (!obj || obj.metadata.deletionTimestamp || obj.status?.subscriptions === counts[i]) continue;
    await ctx.cluster.patchStatus(ref, { subscriptions: counts[i] });
  }
}

/** A Subscription's client that recounts its API's and Application's subscriptions once it is created or deleted. */
export function recountingSubscriptions(client: ExternalClient, targets: ObjectRef[], ctx: SyncContext): ExternalClient {
  return {
    ...client,
    create: async () => {
      const status = await client.create();
      await recount(targets, ctx);
      return status;
    },
    delete: async () => {
      const note = await client.delete();
      await recount(targets, ctx);
      return note;
    },
  };
}
