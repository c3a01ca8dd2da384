import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { GatewayConfigMap } from './config-map.ts';

/**
 * Where an API is deployed, as GKO decides it: APIM through a ManagementContext, the ConfigMap the gateway reads in
 * the API's cluster (local mode), or both (a context with `syncFrom: KUBERNETES`, or `local: true`).
 */
export interface ApiDeployment {
  /** The APIM side; absent without a ManagementContext. */
  apim?: ExternalClient;
  configMap: GatewayConfigMap;
  /**
   * In local mode, the ConfigMap the gateway should read once APIM reported `status` (the ids the gateway needs are
   * APIM's then); undefined when it should have none (`state: STOPPED`). Absent when the API is not in local mode.
   */
  gateway?: (status: ExternalStatus) => KubeObject | undefined;
  /** Without a context, the status to report (the ids written into the ConfigMap). */
  localStatus?: ExternalStatus;
  /**
   * Not in local mode: whether a ConfigMap of an earlier local-mode generation may remain, to delete on the next
   * write (GKO deletes it when an API switches to syncing from APIM). A first generation never had one.
   */
  mayHaveStale?: boolean;
  notes?: Record<string, string>;
}

/**
 * One ExternalClient over both sides. Each is written only when observe found it out of date (a console edit in APIM
 * does not rewrite the ConfigMap, a hand edit of the ConfigMap does not call APIM); an upsert without observing
 * writes both. Deletion removes the ConfigMap first, so the gateway stops serving before APIM forgets the API.
 */
export function apiDeploymentClient(d: ApiDeployment): ExternalClient {
  const { apim, configMap, gateway } = d;
  let seen: Observation | undefined;
  const apimStatus = async (): Promise<ExternalStatus> => {
    if (!apim) return d.localStatus ?? {};
    if (seen?.exists && seen.upToDate) return seen.status ?? {};
    return seen?.exists === false ? apim.create() : apim.update();
  };
  const write = async (): Promise<ExternalStatus> => {
    const status = await apimStatus();
    if (gateway) await configMap.write(gateway(status));
    else if (d.mayHaveStale) await configMap.remove();
    return status;
  };
  return {
    // The APIM API's; a ConfigMap in the API's own cluster is no vendor object (local mode alone leaves it unset).
    identity: apim?.identity,
    notes: d.notes,
    async observe() {
      seen = apim ? await apim.observe() : undefined;
      // Not in local mode: nothing to read of the cluster on a quiet resync.
      if (!gateway) return seen ?? { exists: true, upToDate: true, status: d.localStatus };
      if (seen && !seen.exists) return seen;
      const status = seen ? (seen.status ?? {}) : (d.localStatus ?? {});
      const current = await configMap.isCurrent(gateway(status));
      return { ...seen, exists: true, upToDate: (seen?.upToDate ?? true) && current, status };
    },
    create: write,
    update: write,
    async delete() {
      await configMap.remove();
      return apim?.delete();
    },
  };
}
