import { readyAtGeneration } from '../../shared/engine/conditions.ts';
import { waitingFor } from '../../shared/engine/errors.ts';
import type { ExternalClient, SyncContext } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { GatewayCallError } from './management-api.ts';
import { WSO2_API_VERSION } from './resource-types.ts';

/**
 * Waits (re-triggered by the watcher when it becomes Ready: it is among the resource's references) while a resource
 * of the same namespace that this one needs on the gateway exists but is not Ready yet, as when a template and its
 * provider are applied together. A name with no such resource may be the gateway's own (a built-in template): the
 * gateway decides then.
 */
export async function awaitResource(kind: string, name: string, object: KubeObject, ctx: SyncContext, field: string): Promise<KubeObject | undefined> {
  const ns = object.metadata.namespace ?? 'default';
  const found = await ctx.cluster.get({ apiVersion: WSO2_API_VERSION, kind, namespace: ns, name });
  if (found && !readyAtGeneration(found)) throw waitingFor(`${field}: ${kind} ${ns}/${name} is not Programmed on its gateway yet`);
  return found;
}

/**
 * A client whose writes the gateway refuses while something they depend on is missing on it (an LLM provider's
 * template, a proxy's provider, an API key's API): such a refusal is a wait, not an invalid spec, as the operator
 * retries it (rewriteLLMDeployDependencyErrors).
 */
export function waitingOnGateway(client: ExternalClient, missing: (e: GatewayCallError) => string | undefined): ExternalClient {
  const guard = async <T>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (e) {
      const what = e instanceof GatewayCallError ? missing(e) : undefined;
      if (what) throw waitingFor(`${what} (the gateway answered ${e instanceof GatewayCallError ? `${e.status}: ${e.gatewayMessage}` : ''})`);
      throw e;
    }
  };
  return { ...client, create: () => guard(() => client.create()), update: () => guard(() => client.update()) };
}
