import type { KubeObject } from '../../shared/kube/object-ref.ts';
import {
  artifactKindOf,
  CP_ANNOTATIONS,
  CP_LABELS,
  CP_ORIGIN,
  deploymentMarkOf,
  GATEWAY_PROCESSING_ERROR,
  PERMANENT_FAILURE_REASONS,
  SYNCED_DEPLOYMENT,
  type ControlPlaneStatus,
  type DeploymentOutcome,
  type EchoOutcome,
} from '../../vendors/wso2/control-plane/metadata.ts';

/** The gateway's `deployment.ack` payload (its events.go DeploymentAckPayload). */
export interface DeploymentAck {
  deploymentId: string;
  artifactId: string;
  resourceType: 'api' | 'llmprovider' | 'llmproxy' | 'mcpproxy';
  action: 'deploy' | 'undeploy';
  status: 'success' | 'failed';
  performedAt: string;
  errorCode?: string;
}

/** Which operation of which deployment an ack answers (a link sends one answer per operation, again only if unread). */
export const ackKey = (a: DeploymentAck): string => `${a.deploymentId}|${a.action}|${a.performedAt}`;

interface Condition {
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  observedGeneration?: unknown;
}

/** `<namespace>/<name>` of the APIGateway a control-plane resource belongs to, if it is one. */
export function gatewayOfResource(obj: KubeObject): string | undefined {
  if (obj.metadata.labels?.[CP_LABELS.origin] !== CP_ORIGIN) return undefined;
  return obj.metadata.annotations?.[CP_ANNOTATIONS.gateway] || undefined;
}

const validTime = (t: string | undefined): t is string => typeof t === 'string' && t !== '' && !Number.isNaN(Date.parse(t));

/**
 * The ack a control-plane resource has earned, if its status is settled for the deployment it carries: its sync
 * answered at its current generation, for that deployment (`status.controlPlaneDeployment`).
 * `Programmed=True` → success; `Programmed` (or `Accepted`) False for a reason that will not change until the spec does
 * → failed `GATEWAY_PROCESSING_ERROR`. Anything else (Pending, Retrying, GatewayNotReady, not synced yet) waits.
 */
export function ackOfResource(obj: KubeObject): DeploymentAck | undefined {
  if (!gatewayOfResource(obj) || obj.metadata.deletionTimestamp) return undefined;
  const a = obj.metadata.annotations ?? {};
  const kind = artifactKindOf(obj.kind);
  const deploymentId = a[CP_ANNOTATIONS.deploymentId];
  const artifactId = a[CP_ANNOTATIONS.artifactId];
  const performedAt = a[CP_ANNOTATIONS.deployedAt];
  if (!kind || !deploymentId || !artifactId || !validTime(performedAt)) return undefined;
  // Its conditions answer for this deployment only once its sync says it pushed this one (see SYNCED_DEPLOYMENT).
  if (obj.status?.[SYNCED_DEPLOYMENT] !== deploymentMarkOf(obj)) return undefined;
  const conditions = Array.isArray(obj.status?.conditions) ? (obj.status.conditions as Condition[]) : [];
  const current = (type: string) => conditions.find((c) => c?.type === type && c.observedGeneration === obj.metadata.generation);
  const programmed = current('Programmed');
  const accepted = current('Accepted');
  const base = { deploymentId, artifactId, resourceType: kind.ackType, action: a[CP_ANNOTATIONS.deploymentState] === 'undeployed' ? 'undeploy' : 'deploy', performedAt } as const;
  if (programmed?.status === 'True') return { ...base, status: 'success' };
  const failed = (c: Condition | undefined) => c?.status === 'False' && typeof c.reason === 'string' && PERMANENT_FAILURE_REASONS.includes(c.reason);
  if (failed(programmed) || failed(accepted)) return { ...base, status: 'failed', errorCode: GATEWAY_PROCESSING_ERROR };
  return undefined;
}

/** The acks of outcomes the function recorded in an APIGateway's `status.controlPlane` (no resource shows them). */
export function acksOfGateway(gateway: KubeObject): DeploymentAck[] {
  const cp = (gateway.status?.controlPlane ?? {}) as ControlPlaneStatus;
  const of = (o: DeploymentOutcome, status: 'success' | 'failed'): DeploymentAck[] => {
    const kind = artifactKindOf(o?.kind);
    if (!kind || !o.deploymentId || !o.artifactId || !validTime(o.performedAt) || (o.action !== 'deploy' && o.action !== 'undeploy')) return [];
    const ack: DeploymentAck = { deploymentId: o.deploymentId, artifactId: o.artifactId, resourceType: kind.ackType, action: o.action, status, performedAt: o.performedAt };
    return [status === 'failed' ? { ...ack, errorCode: o.errorCode || GATEWAY_PROCESSING_ERROR } : ack];
  };
  return [
    ...(Array.isArray(cp.rejected) ? cp.rejected : []).flatMap((o) => of(o, 'failed')),
    ...(Array.isArray(cp.settled) ? cp.settled : []).flatMap((o) => of(o, 'success')),
  ];
}

/** The deployments of the gateway's own APIs (bottom-up) that APIM announced back, as its status records them. */
export function echoesOfGateway(gateway: KubeObject): EchoOutcome[] {
  const echoes = ((gateway.status?.controlPlane ?? {}) as ControlPlaneStatus).echoes;
  return (Array.isArray(echoes) ? echoes : []).filter((e) => e && typeof e.artifactId === 'string' && typeof e.deploymentId === 'string' && typeof e.resource === 'string' && validTime(e.performedAt));
}

/** What an echo's ack needs of a RestApi declared in the cluster: APIM's id of it, and whether the gateway runs it. */
export interface BottomUpState {
  apiId: string;
  /** Programmed=True at its current generation, and not being deleted. */
  running: boolean;
}

/** A RestApi's bottom-up state; undefined for one of control-plane origin or that APIM does not know (yet). */
export function bottomUpStateOf(obj: KubeObject): BottomUpState | undefined {
  if (obj.kind !== 'RestApi' || obj.metadata.labels?.[CP_LABELS.origin] === CP_ORIGIN) return undefined;
  const apiId = (obj.status?.controlPlane as { apiId?: unknown } | undefined)?.apiId;
  if (typeof apiId !== 'string' || !apiId) return undefined;
  const conditions = Array.isArray(obj.status?.conditions) ? (obj.status.conditions as Condition[]) : [];
  const programmed = conditions.find((c) => c?.type === 'Programmed' && c.observedGeneration === obj.metadata.generation);
  return { apiId, running: programmed?.status === 'True' && !obj.metadata.deletionTimestamp };
}

/**
 * The ack APIM's announcement of one of the gateway's own APIs has earned: success once the RestApi it names runs on
 * the gateway (Programmed at its current generation) and its status records that APIM id. Nothing else is acked: a
 * RestApi that never records the id (an API of the same name APIM has from elsewhere) leaves the deployment unacked.
 */
export function ackOfEcho(echo: EchoOutcome, state: BottomUpState | undefined): DeploymentAck | undefined {
  if (!state?.running || state.apiId !== echo.artifactId) return undefined;
  return { deploymentId: echo.deploymentId, artifactId: echo.artifactId, resourceType: 'api', action: 'deploy', status: 'success', performedAt: echo.performedAt };
}
