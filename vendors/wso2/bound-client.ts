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
    identity: inner.identity,
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

/**
 * A deletion's client. Never recorded as synced (no `status.gateway`), a create may still have succeeded before a
 * crash: the gateway it would go to is resolved now, so the client names what it would delete (its identity: a
 * resource that lost the object to another owner must not delete it). Recorded, the gateway is reached on delete only.
 */
async function deletionClient(object: KubeObject, previous: string | undefined, ctx: SyncContext, factory: GatewayClientFactory, opts: { prefer?: string }): Promise<ExternalClient> {
  const unused = async () => {
    throw new Error('a resource being deleted is only deleted');
  };
  const client = (remove: () => Promise<string | void>, identity?: ExternalClient['identity']): ExternalClient => ({ identity, observe: unused, create: unused, update: unused, delete: remove });
  if (previous) return client(() => deleteFrom(previous, object.status ?? {}, ctx, factory));
  let gateway: ResolvedGateway;
  try {
    gateway = await gatewayFor(object, ctx, opts);
  } catch (err) {
    if (err instanceof NoGatewayError) return client(async () => 'no APIGateway selects it: nothing to delete from a gateway');
    throw err;
  }
  const inner = await factory(gateway, object.status ?? {});
  return client(() => inner.delete(), inner.identity);
}
