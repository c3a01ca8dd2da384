import { SyncError, asSyncError } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { GATEWAY_NOT_READY } from '../conditions.ts';
import { APIGatewayType } from '../resource-types.ts';
import { resolveGateway, type ResolvedGateway } from './resolve.ts';
import { gatewayKey, namedGateway, selectingGateways } from './selection.ts';

/** A resource's gateway, and why it was chosen when the choice was not obvious. */
export interface BoundGateway extends ResolvedGateway {
  /** Set when several APIGateways select the resource: which were, and that the first by namespace/name was taken. */
  note?: string;
}

/**
 * No gateway to deploy to: a wait re-triggered by the watcher when an APIGateway appears, changes or becomes Ready
 * (every WSO2 resource references them all), reported as the operator's `GatewayNotReady`.
 */
const gatewayNotReady = (message: string) => new SyncError('reference', GATEWAY_NOT_READY, message);

/** GatewayNotReady because no APIGateway is there at all (none selects the resource, or the one named is gone). */
export class NoGatewayError extends SyncError {
  constructor(message: string) {
    super('reference', GATEWAY_NOT_READY, message);
  }
}

/**
 * The APIGateway a resource deploys to: the one its `apim-sync.io/gateway` annotation names (control-plane origin
 * resources), else `prefer` (`<namespace>/<name>` of the gateway an ApiKey's parent is on), else the first by
 * namespace/name of those whose apiSelector selects it (the operator's registry, made deterministic). A gateway that
 * cannot be used (its configuration is invalid, its ConfigMap or credentials Secret missing) is not ready either: the
 * resource waits.
 */
export async function gatewayFor(resource: KubeObject, ctx: SyncContext, opts: { prefer?: string } = {}): Promise<BoundGateway> {
  const named = namedGateway(resource) ?? opts.prefer;
  let chosen: KubeObject;
  let note: string | undefined;
  if (named) {
    const [namespace, name] = named.split('/', 2);
    const found = await ctx.cluster.get({ ...APIGatewayType, namespace, name });
    if (!found) throw new NoGatewayError(`APIGateway ${namespace}/${name} not found`);
    chosen = found;
  } else {
    const matching = selectingGateways(await ctx.cluster.list(APIGatewayType), resource);
    if (matching.length === 0) {
      const labels = Object.entries(resource.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || 'none';
      throw new NoGatewayError(`No matching gateway available: no APIGateway's apiSelector selects this ${resource.kind} (namespace ${resource.metadata.namespace}, labels ${labels})`);
    }
    chosen = matching[0];
    if (matching.length > 1) note = `${matching.length} APIGateways select it (${matching.map(gatewayKey).join(', ')}); one of its own namespace, else the first by namespace/name, was chosen`;
  }
  try {
    return { ...(await resolveGateway(chosen, ctx)), ...(note ? { note } : {}) };
  } catch (e) {
    const err = asSyncError(e);
    if (err.retry === 'transient') throw err;
    throw gatewayNotReady(`APIGateway ${gatewayKey(chosen)} cannot be used yet: ${err.message}`);
  }
}
