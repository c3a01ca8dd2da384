import { asSyncError, SyncError } from '../../../shared/engine/errors.ts';
import type { Desired, ExternalClient, ExternalStatus, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { kubeTime } from '../../../shared/kube/time.ts';
import { CONTROL_PLANE_STAGE } from '../conditions.ts';
import { connectionReportOf, describeConnection } from '../control-plane/connection-condition.ts';
import { probeControlPlane } from '../control-plane/probe.ts';
import type { ControlPlaneSettings } from '../gateway/config.ts';
import { resolveGateway } from '../gateway/resolve.ts';
import type { GatewayFindings } from './conditions.ts';
import type { APIGatewaySpec } from './schema.ts';
import { selectedApis } from './selected-apis.ts';

type Json = Record<string, any>;

/** A cheap authenticated read: a filtered list of APIs (admin and developer roles may list), expected empty. */
const PROBE = `/rest-apis?displayName=${encodeURIComponent('apim-sync probe')}`;

/**
 * An APIGateway has no vendor object: its sync checks that its configuration can be used, that its gateway's
 * management API answers with apim-sync's credentials, and, with a control plane, that the control plane answers and
 * takes the registration token and that the watcher's connection is not refused (its last report, kept in
 * `status.controlPlane.connection`). Status as the operator's CRD has it: phase, selectedAPIs, configHash,
 * appliedGeneration; lastUpdateTime moves only when one of them does, so a resync with nothing changed writes nothing.
 */
export function apiGatewayClient({ object }: Desired<APIGatewaySpec>, ctx: SyncContext): ExternalClient {
  const nothing = async () => ({});
  return {
    async observe() {
      const { config, management, configHash } = await resolveGateway(object, ctx);
      await management.list(PROBE, 'apis');
      const findings: GatewayFindings = {
        management: `${management.endpoint.via}, credentials from ${management.endpoint.credentials}`,
        ...(config.controlPlane ? { controlPlane: await controlPlaneAnswer(object, config.controlPlane, ctx) } : {}),
        ...(config.controlPlaneSkipped ? { standalone: config.controlPlaneSkipped } : {}),
      };
      const status: ExternalStatus = { phase: 'Ready', selectedAPIs: await selectedApis(object, ctx), configHash, appliedGeneration: object.metadata.generation };
      return { exists: true, upToDate: true, status: stamped(object.status ?? {}, status), notes: findings };
    },
    create: nothing,
    update: nothing,
    delete: async () => {},
  };
}

/**
 * What the control plane answers, with the watcher's last report on its connection beside it. The probe failing, or
 * REST answering while the watcher reports its connection refused (a refusal stands until it reports a connection),
 * fails the sync at the control-plane stage: the gateway itself is fine.
 */
async function controlPlaneAnswer(object: KubeObject, cp: ControlPlaneSettings, ctx: SyncContext): Promise<string> {
  const report = connectionReportOf(object);
  let answers: string;
  try {
    const probe = await probeControlPlane(object, cp, ctx);
    answers = `the ${probe.flavour === 'apim' ? `APIM${probe.version ? ` ${probe.version}` : ''}` : 'Platform API'} control plane at ${cp.host} answers and accepts the registration token`;
  } catch (e) {
    const err = asSyncError(e);
    throw new SyncError(err.retry, err.reason, report ? `${err.message}; ${describeConnection(report)}` : err.message, { cause: err.cause, retryAfterSeconds: err.retryAfterSeconds, stage: CONTROL_PLANE_STAGE });
  }
  if (report?.state === 'Refused') throw new SyncError('permanent', 'Refused', `${answers}, but ${describeConnection(report)}`, { stage: CONTROL_PLANE_STAGE });
  return report ? `${answers}; ${describeConnection(report)}` : answers;
}

/** The status with `lastUpdateTime` moved only when something else in it changed. */
function stamped(current: Json, next: ExternalStatus): ExternalStatus {
  const changed = Object.entries(next).some(([k, v]) => current[k] !== v);
  const lastUpdateTime = changed || typeof current.lastUpdateTime !== 'string' ? kubeTime() : current.lastUpdateTime;
  return { ...next, lastUpdateTime };
}
