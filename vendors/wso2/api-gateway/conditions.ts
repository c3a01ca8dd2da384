import type { ConditionInput } from '../../../shared/engine/conditions.ts';
import type { ConditionPolicy } from '../../../shared/engine/condition-policy.ts';
import type { SyncError } from '../../../shared/engine/errors.ts';
import { ACCEPTED, AcceptedReason, CONTROL_PLANE_STAGE, GATEWAY_NOT_READY, PROGRAMMED, ProgrammedReason } from '../conditions.ts';
import { CONNECTED } from '../control-plane/connection-condition.ts';

/**
 * The APIGateway's conditions: the operator's Accepted (its configuration can be read and used) and Programmed (its
 * gateway's management API answers with apim-sync's credentials — apim-sync does not install gateways, so this is
 * what "programmed" can mean), `ControlPlaneConnected` when a control plane is configured (True, reason Connected,
 * when the control plane answers, accepts the registration token and the watcher's connection is not refused; False
 * with the probe's reason — Unauthorized, NotFound, TLSError, AddressRefused, Unreachable —, Refused when REST answers
 * but the watcher reported its connection refused (the message says both), or NotConfigured for a standalone
 * gateway), and Ready when all of them hold. Only the sync writes it; a changed connection report re-runs the sync.
 */
export { CONNECTED as CONTROL_PLANE_CONNECTED };

/** What a successful sync found, said in the messages (its Observation.notes), not stored. */
export type GatewayFindings = {
  /** How the management API was reached, and with whose credentials. */
  management: string;
  /** The control plane's answer, or undefined for a standalone gateway. */
  controlPlane?: string;
  /** Why a configured control plane is not connected to (no registration token). */
  standalone?: string;
};

const cond = (type: string, status: 'True' | 'False', reason: string, message: string): ConditionInput => ({ type, status, reason, message });

export const apiGatewayConditions: ConditionPolicy = {
  success(outcome) {
    const f: Partial<GatewayFindings> = outcome?.notes ?? {};
    const management = `the gateway's management API answers${f.management ? ` (${f.management})` : ''}`;
    return [
      cond(ACCEPTED, 'True', AcceptedReason.Accepted, 'Configuration accepted'),
      cond(PROGRAMMED, 'True', ProgrammedReason.Programmed, management),
      f.controlPlane
        ? cond(CONNECTED, 'True', 'Connected', f.controlPlane)
        : cond(CONNECTED, 'False', 'NotConfigured', f.standalone ?? 'no control plane is configured: the gateway runs standalone'),
      cond('Ready', 'True', ProgrammedReason.Programmed, f.controlPlane ? `${management}; ${f.controlPlane}` : management),
    ];
  },
  failure(err) {
    return [...gatewayFailure(err), cond('Ready', 'False', err.reason, err.message)];
  },
};

function gatewayFailure(err: SyncError): ConditionInput[] {
  if (err.stage === CONTROL_PLANE_STAGE) {
    return [cond(ACCEPTED, 'True', AcceptedReason.Accepted, 'Configuration accepted'), cond(PROGRAMMED, 'True', ProgrammedReason.Programmed, "the gateway's management API answers"), cond(CONNECTED, 'False', err.reason, err.message)];
  }
  if (err.invalid) return [cond(ACCEPTED, 'False', AcceptedReason.InvalidConfiguration, err.message), cond(PROGRAMMED, 'False', ProgrammedReason.Invalid, err.message)];
  // Its configuration is fine; the gateway it describes is not installed or has no ready pod yet (the operator's
  // "Waiting for gateway deployments to become ready").
  if (err.reason === GATEWAY_NOT_READY) return [cond(ACCEPTED, 'True', AcceptedReason.Accepted, 'Configuration accepted'), cond(PROGRAMMED, 'False', ProgrammedReason.Pending, err.message)];
  if (err.retry === 'reference') return [cond(ACCEPTED, 'False', AcceptedReason.Pending, err.message), cond(PROGRAMMED, 'False', ProgrammedReason.Pending, err.message)];
  const accepted = cond(ACCEPTED, 'True', AcceptedReason.Accepted, 'Configuration accepted');
  if (err.retry === 'transient') return [accepted, cond(PROGRAMMED, 'False', ProgrammedReason.Retrying, err.message)];
  return [accepted, cond(PROGRAMMED, 'False', ProgrammedReason.DeploymentFailed, err.message)];
}
