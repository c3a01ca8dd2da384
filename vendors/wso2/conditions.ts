import type { ConditionInput } from '../../shared/engine/conditions.ts';
import type { ConditionPolicy, SyncOutcome } from '../../shared/engine/condition-policy.ts';
import type { SyncError } from '../../shared/engine/errors.ts';

/**
 * The gateway operator's condition types and reasons (kubernetes/gateway-operator/api/v1/common_types.go), plus Ready.
 * `Programmed=False` with Invalid, DeploymentFailed or InvalidConfiguration is final for its generation (the
 * control-plane watcher acks such a deployment as failed); Pending, GatewayNotReady and Retrying are not.
 */
export const ACCEPTED = 'Accepted';
export const PROGRAMMED = 'Programmed';
export const AcceptedReason = { Accepted: 'Accepted', InvalidConfiguration: 'InvalidConfiguration', Pending: 'Pending' } as const;
export const ProgrammedReason = {
  Programmed: 'Programmed',
  Pending: 'Pending',
  Invalid: 'Invalid',
  GatewayNotReady: 'GatewayNotReady',
  DeploymentFailed: 'DeploymentFailed',
  Retrying: 'Retrying',
} as const;

/** The SyncError reason of a spec the gateway's management API refused (400/422), as opposed to one our schema refused. */
export const GATEWAY_REFUSED = 'Invalid';
/** The SyncError reason when no APIGateway matches the resource, or the one that does cannot be used yet. */
export const GATEWAY_NOT_READY = 'GatewayNotReady';
/** The SyncError stage of a failure after the gateway write succeeded (a RestApi's import into APIM). */
export const CONTROL_PLANE_STAGE = 'control-plane';

/** What the status of a synced resource says about where it went (`status.gateway`). */
const gatewayOf = (outcome: SyncOutcome | undefined) => (typeof outcome?.status.gateway === 'string' ? outcome.status.gateway : undefined);

/** What the sync of a resource bound to a gateway notes for its messages (Observation.notes), not stored. */
export type BindingNotes = {
  /** Why its gateway was chosen when several select it. */
  selection?: string;
};

const accepted = (message = 'Configuration accepted'): ConditionInput => ({ type: ACCEPTED, status: 'True', reason: AcceptedReason.Accepted, message });

/**
 * The operator's Accepted and Programmed, plus Ready, for the kinds pushed to a gateway. Accepted is False only when
 * apim-sync's own schema (the CRD's rules) refuses the spec; a spec the gateway refuses stays Accepted with
 * Programmed=False/Invalid, as the operator reports it.
 */
export const wso2Conditions: ConditionPolicy = {
  success(outcome) {
    const gateway = gatewayOf(outcome);
    const { selection }: BindingNotes = outcome?.notes ?? {};
    const message = `${gateway ? `Successfully deployed to gateway ${gateway}` : 'Successfully deployed to the gateway'}${selection ? ` (${selection})` : ''}`;
    return [accepted(), { type: PROGRAMMED, status: 'True', reason: ProgrammedReason.Programmed, message }, { type: 'Ready', status: 'True', reason: ProgrammedReason.Programmed, message }];
  },
  failure(err) {
    return [...acceptedAndProgrammed(err), { type: 'Ready', status: 'False', reason: err.reason, message: err.message }];
  },
};

function acceptedAndProgrammed(err: SyncError): ConditionInput[] {
  const programmed = (reason: string, message = err.message): ConditionInput => ({ type: PROGRAMMED, status: 'False', reason, message });
  if (err.stage === CONTROL_PLANE_STAGE) {
    // The gateway runs it; a later step (APIM) failed, which Ready says.
    return [accepted(), { type: PROGRAMMED, status: 'True', reason: ProgrammedReason.Programmed, message: 'Successfully deployed to the gateway; see Ready for the control plane' }];
  }
  if (err.invalid && err.reason !== GATEWAY_REFUSED) {
    return [{ type: ACCEPTED, status: 'False', reason: AcceptedReason.InvalidConfiguration, message: err.message }, programmed(ProgrammedReason.Invalid)];
  }
  if (err.invalid) return [accepted(), programmed(ProgrammedReason.Invalid)];
  if (err.reason === GATEWAY_NOT_READY) return [accepted(), programmed(ProgrammedReason.GatewayNotReady)];
  if (err.retry === 'reference') return [accepted(), programmed(ProgrammedReason.Pending)];
  if (err.retry === 'transient') return [accepted(), programmed(ProgrammedReason.Retrying)];
  return [accepted(), programmed(ProgrammedReason.DeploymentFailed)];
}
