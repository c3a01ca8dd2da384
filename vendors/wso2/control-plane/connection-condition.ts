import { findCondition } from '../../../shared/engine/conditions.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ConnectionReport, ControlPlaneStatus } from './metadata.ts';

/**
 * The APIGateway condition that says whether its control plane can be used on the gateway's behalf: written by the
 * APIGateway's sync alone, from its probe (the internal REST API answers and takes the registration token) and the
 * watcher's last report on its WebSocket connection (`status.controlPlane.connection`), so the two never overwrite
 * each other (REST answering while the connection is refused is False, and says both).
 */
export const CONNECTED = 'ControlPlaneConnected';

/** The watcher's last report, as the APIGateway's status keeps it. */
export function connectionReportOf(gateway: KubeObject): ConnectionReport | undefined {
  const report = ((gateway.status?.controlPlane ?? {}) as ControlPlaneStatus).connection;
  return report && (report.state === 'Connected' || report.state === 'Refused') && typeof report.since === 'string' ? report : undefined;
}

/** What the report says, for condition messages. */
export function describeConnection(report: ConnectionReport): string {
  return report.state === 'Connected'
    ? `the watcher holds the gateway's control-plane connection (since ${report.since})`
    : `the control plane refused the watcher's gateway connection (since ${report.since}): ${report.detail ?? 'no detail'}; retried every reconnect_max, and at once when the APIGateway, its values or its token Secret change`;
}

/**
 * Records what the watcher reported of its connection (`connection.refused` with the refusal's detail, or
 * `connection.restored`) in `status.controlPlane.connection`, guarded by resourceVersion (a concurrent status write
 * makes it a 409, retried with the event). `since` moves only when the state or the refusal changes. True when the
 * report changed: the APIGateway's conditions must then be computed again.
 */
export async function recordConnection(gateway: KubeObject, report: Omit<ConnectionReport, 'since'>, ctx: SyncContext, now = new Date()): Promise<boolean> {
  const before = connectionReportOf(gateway);
  const detail = report.state === 'Refused' ? (report.detail ?? 'no detail').slice(0, 300) : undefined;
  if (before?.state === report.state && before.detail === detail) return false;
  const connection: ConnectionReport = { state: report.state, ...(detail ? { detail } : {}), since: now.toISOString().replace(/\.\d{3}Z$/, 'Z') };
  // A merge patch: `detail: null` drops a refusal's detail once connected.
  await ctx.cluster.patchStatus(refOf(gateway), { controlPlane: { connection: { ...connection, detail: detail ?? null } } }, gateway.metadata.resourceVersion);
  ctx.log.info('control-plane connection report recorded', { gateway: gateway.metadata.name, namespace: gateway.metadata.namespace, state: report.state });
  return true;
}

/**
 * Whether the APIGateway's condition already says what this report implies: False while the connection is refused,
 * not False for a refusal once connected. A sync that failed for another reason (and left it behind) does not agree.
 */
export function conditionAgrees(gateway: KubeObject, report: Pick<ConnectionReport, 'state'>): boolean {
  const c = findCondition(gateway.status, CONNECTED);
  if (!c) return false;
  return report.state === 'Refused' ? c.status === 'False' : !(c.status === 'False' && c.reason === 'Refused');
}
