import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import { asSyncError } from '../../../shared/engine/errors.ts';
import { CONTROL_PLANE_STAGE } from '../conditions.ts';

/**
 * A RestApi on its gateway and, after it, in APIM: both observed; the gateway written first (APIM imports what the
 * gateway runs), APIM deleted first (undeployed from the gateway's environment before the gateway drops the API);
 * statuses merged. An APIM failure carries the stage `control-plane`, so the conditions still say the gateway runs it.
 */
export function withControlPlane(gateway: ExternalClient, apim: ExternalClient): ExternalClient {
  let gw: Observation | undefined;
  let cp: Observation | undefined;
  const staged = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (e) {
      const err = asSyncError(e);
      err.stage = CONTROL_PLANE_STAGE;
      throw err;
    }
  };
  const converge = async (onGateway: () => Promise<ExternalStatus>): Promise<ExternalStatus> => {
    const gatewayStatus = await onGateway();
    const apimObserved = cp ?? (await staged(() => apim.observe()));
    const apimStatus = apimObserved.exists && apimObserved.upToDate ? (apimObserved.status ?? {}) : await staged(() => (apimObserved.exists ? apim.update() : apim.create()));
    return { ...gatewayStatus, ...apimStatus };
  };
  return {
    async observe() {
      gw = await gateway.observe();
      // A gateway without the API gets it first; APIM is observed then, against what the gateway now runs.
      cp = gw.exists ? await staged(() => apim.observe()) : undefined;
      const exists = gw.exists;
      return { exists, upToDate: exists && gw.upToDate && Boolean(cp?.exists && cp.upToDate), status: { ...gw.status, ...cp?.status }, notes: { ...gw.notes, ...cp?.notes } };
    },
    create: () => converge(() => gateway.create()),
    update: () => converge(async () => (gw?.exists && gw.upToDate ? (gw.status ?? {}) : gateway.update())),
    async delete() {
      await staged(() => apim.delete());
      return gateway.delete();
    },
  };
}
