import type { Desired, ExternalClient, ExternalStatus, Observation, SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import type { BindingNotes } from './conditions.ts';
import { gatewayFor, NoGatewayError, type BoundGateway } from './gateway/binding.ts';
import { resolveGateway, type ResolvedGateway } from './gateway/resolve.ts';
import { APIGatewayType } from './resource-types.ts';
import { kubeTime } from '../../shared/kube/time.ts';

type Json = Record<string, any>;

/**
 * A kind's client for one gateway. `known` is the resource's status when it describes that gateway (its id there,
 * the fingerprint of what was applied), else empty: an id issued by another gateway means nothing on this one.
 */
type GatewayClientFactory = (gateway: ResolvedGateway, known: Json) => ExternalClient | Promise<ExternalClient>;

/** The gateway a resource was last synced to, as its status says (`status.gateway`, `<namespace>/<name>`). */
export const syncedGateway = (object: KubeObject): string | undefined => (typeof object.status?.gateway === 'string' ? object.status.gateway : undefined);

/**
 * The client of a resource bound to a gateway: finds the gateway (gatewayFor), builds the kind's client for it, and
 * adds what every kind shares. Status says which gateway (`gateway`) and when apim-sync last wrote to it
 * (`lastUpdateTime`, moved only by a write, so a resync with nothing changed writes no status). A resource that a
 * change of labels or selectors moves to another gateway is created there first, then deleted from the one its status
 * names. Deleting goes to the gateway the status names; when that APIGateway is gone, so is what it served.
 */
export async function boundClient(desired: Desired<unknown>, ctx: SyncContext, factory: GatewayClientFactory, opts: { prefer?: string } = {}): Promise<ExternalClient> {
  const object = desired.object;
  const status: Json = object.status ?? {};
  const previous = syncedGateway(object);
  if (object.metadata.deletionTimestamp) return deletionClient(object, previous, ctx, factory, opts);

  const gateway: BoundGateway = await gatewayFor(object, ctx, opts);
  const notes: BindingNotes = gateway.note ? { selection: gateway.note } : {};
  const moved = previous !== undefined && previous !== gateway.key;
  const inner = await factory(gateway, moved ? {} : status);
  let observed: Observation | undefined;
  const stamp = (s: ExternalStatus, wrote: boolean): ExternalStatus => ({ ...s, gateway: gateway.key, lastUpdateTime: wrote || typeof status.lastUpdateTime !== 'string' ? kubeTime() : status.lastUpdateTime });
  const leavePrevious = async () => {
    if (moved) await deleteFrom(previous!, status, ctx, factory);
  };
  return {
    async observe() {
      observed = await inner.observe();
      return { exists: observed.exists, upToDate: observed.upToDate && !moved, status: stamp(observed.status ?? {}, false), notes: { ...observed.notes, ...notes } };
    },
    async create() {
      const s = await inner.create();
      await leavePrevious();
      return stamp(s, true);
    },
    async update() {
      // Up to date on this gateway yet moved here from another: nothing to write here, only the previous one to leave.
      const wrote = !observed?.upToDate;
      const s = wrote ? await inner.update() : (observed?.status ?? {});
      await leavePrevious();
      return stamp(s, wrote);
    },
    delete: () => inner.delete(),
  };
}

/** Deletes what the resource holds on the APIGateway `key` names, if that APIGateway still exists. */
async function deleteFrom(key: string, status: Json, ctx: SyncContext, factory: GatewayClientFactory): Promise<string | void> {
  const [namespace, name] = key.split('/', 2);
  const apigateway = await ctx.cluster.get({ ...APIGatewayType, namespace, name });
  if (!apigateway) return `APIGateway ${key} no longer exists: nothing to delete from its gateway`;
  return (await factory(await resolveGateway(apigateway, ctx), status)).delete();
}

function deletionClient(object: KubeObject, previous: string | undefined, ctx: SyncContext, factory: GatewayClientFactory, opts: { prefer?: string }): ExternalClient {
  const unused = async () => {
    throw new Error('a resource being deleted is only deleted');
  };
  return {
    observe: unused,
    create: unused,
    update: unused,
    async delete() {
      if (previous) return deleteFrom(previous, object.status ?? {}, ctx, factory);
      // Never recorded as synced, but a create may have succeeded before a crash: the gateway it would go to is asked.
      let gateway: ResolvedGateway;
      try {
        gateway = await gatewayFor(object, ctx, opts);
      } catch (err) {
        if (err instanceof NoGatewayError) return 'no APIGateway selects it: nothing to delete from a gateway';
        throw err;
      }
      return (await factory(gateway, object.status ?? {})).delete();
    },
  };
}
