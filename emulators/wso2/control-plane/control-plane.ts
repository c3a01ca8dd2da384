/**
 * The control plane's state and what changes it: the test hooks (a publisher deploying, a developer subscribing),
 * each stored and then announced to the connected gateways it concerns, and the `deployment.ack` messages the
 * gateways send back. Events go only to live connections, as platform-api's dispatcher delivers them: one sent
 * while a gateway is disconnected, or while the control plane is down, is lost.
 */
import type { EventEmitter } from 'node:events';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { isArtifactKind, KIND_NAMES, type ArtifactKind } from './artifact-kinds.ts';
import type { ConnectionHub } from './connections.ts';
import { DeploymentStore, type StatusRow } from './deployments.ts';
import { DevPortalStore, type ApiKeyInput, type PlanInput, type SubscriptionInput } from './devportal.ts';
import { apiKeyEvent, lifecycleEvent, planEvent, subscriptionEvent, type EventEnvelope } from './events.ts';
import { GatewayRegistry } from './gateways.ts';
import type { AckRecord, ApiKeyCreated, ConnectionInfo, DeployOptions, DeployResult, DeploymentStatusView, EventRecord } from './types.ts';

/** The gateway's `DeploymentAckMessage` (`events.go`). */
const AckMessage = z.object({
  type: z.literal('deployment.ack'),
  payload: z.object({
    deploymentId: z.string().min(1),
    artifactId: z.string().min(1),
    resourceType: z.enum(['api', 'llmprovider', 'llmproxy', 'mcpproxy']),
    action: z.enum(['deploy', 'undeploy']),
    status: z.enum(['success', 'failed']),
    performedAt: z.iso.datetime({ offset: true }),
    errorCode: z.optional(z.string()),
  }),
});

export class ControlPlane {
  readonly gateways = new GatewayRegistry();
  readonly deployments = new DeploymentStore();
  readonly devportal = new DevPortalStore();
  readonly eventLog: EventRecord[] = [];
  readonly ackLog: AckRecord[] = [];
  down = false;
  private readonly hub: ConnectionHub;
  private readonly activity: EventEmitter;
  /** Records a message from a gateway outside the protocol. */
  private readonly violation: (problems: string[]) => void;

  constructor(hub: ConnectionHub, activity: EventEmitter, violation: (problems: string[]) => void) {
    this.hub = hub;
    this.activity = activity;
    this.violation = violation;
  }

  deploy(gatewayId: string, artifact: Record<string, unknown> | string, options: DeployOptions = {}): DeployResult {
    this.gateways.get(gatewayId);
    const { kind, handle, content } = artifactContent(artifact, options.kind);
    const { artifact: stored, row } = this.deployments.deploy(gatewayId, kind, handle, content, options.artifactId, options.deploymentId);
    this.publish([gatewayId], lifecycleEvent(stored.kind, 'deployed', stored.id, row));
    return resultOf(row);
  }

  undeploy(gatewayId: string, artifactId: string): DeployResult {
    const row = this.deployments.undeploy(gatewayId, artifactId);
    this.publish([gatewayId], lifecycleEvent(this.deployments.artifact(artifactId)!.kind, 'undeployed', artifactId, row));
    return resultOf(row);
  }

  /** APIM 4.7's undeployment: the deployment is no longer listed nor served; `{kind}.undeployed` is sent all the same. */
  removeDeployment(gatewayId: string, artifactId: string): DeployResult | undefined {
    const artifact = this.deployments.artifact(artifactId);
    const row = artifact && this.deployments.remove(gatewayId, artifactId);
    if (!artifact || !row) return undefined;
    this.publish([gatewayId], lifecycleEvent(artifact.kind, 'undeployed', artifactId, row));
    return resultOf(row);
  }

  delete(artifactId: string): void {
    const { artifact, gatewayIds } = this.deployments.delete(artifactId);
    this.devportal.forgetArtifact(artifactId);
    this.publish(gatewayIds, lifecycleEvent(artifact.kind, 'deleted', artifactId));
  }

  createApiKey(artifactId: string, input: ApiKeyInput): ApiKeyCreated {
    this.knownArtifact(artifactId);
    const { key, plaintext } = this.devportal.createApiKey(artifactId, input);
    this.publish(this.deployments.gatewaysOf(artifactId), apiKeyEvent('created', key, input.userId));
    return { uuid: key.uuid, name: key.name, apiKey: plaintext, maskedApiKey: key.maskedApiKey };
  }

  updateApiKey(artifactId: string, name: string, input: { apiKey?: string; expiresAt?: string; userId?: string } = {}): ApiKeyCreated {
    const { key, plaintext } = this.devportal.updateApiKey(artifactId, name, input);
    this.publish(this.deployments.gatewaysOf(artifactId), apiKeyEvent('updated', key, input.userId));
    return { uuid: key.uuid, name: key.name, apiKey: plaintext, maskedApiKey: key.maskedApiKey };
  }

  revokeApiKey(artifactId: string, name: string, userId?: string): void {
    const key = this.devportal.revokeApiKey(artifactId, name);
    this.publish(this.deployments.gatewaysOf(artifactId), apiKeyEvent('revoked', key, userId));
  }

  createSubscription(apiId: string, input: SubscriptionInput = {}): { id: string; subscriptionToken: string } {
    this.knownArtifact(apiId);
    if (input.subscriptionPlanId) this.knownPlan(input.subscriptionPlanId);
    const sub = this.devportal.createSubscription(apiId, input);
    this.publish(this.deployments.gatewaysOf(apiId), subscriptionEvent('created', sub));
    return { id: sub.id, subscriptionToken: sub.subscriptionToken };
  }

  updateSubscription(id: string, patch: Partial<SubscriptionInput>): void {
    if (patch.subscriptionPlanId) this.knownPlan(patch.subscriptionPlanId);
    const sub = this.devportal.updateSubscription(id, patch);
    this.publish(this.deployments.gatewaysOf(sub.apiId), subscriptionEvent('updated', sub));
  }

  deleteSubscription(id: string): void {
    const sub = this.devportal.deleteSubscription(id);
    this.publish(this.deployments.gatewaysOf(sub.apiId), subscriptionEvent('deleted', sub));
  }

  /** Plans belong to the organization: their events go to every gateway. */
  createPlan(input: PlanInput): { id: string; handle: string } {
    const plan = this.devportal.createPlan(input);
    this.publish(this.allGateways(), planEvent('created', plan));
    return { id: plan.id, handle: plan.handle };
  }

  updatePlan(id: string, patch: Partial<PlanInput>): void {
    this.publish(this.allGateways(), planEvent('updated', this.devportal.updatePlan(id, patch)));
  }

  deletePlan(id: string): void {
    this.publish(this.allGateways(), planEvent('deleted', this.devportal.deletePlan(id)));
  }

  deploymentStatus(deploymentId: string): DeploymentStatusView | undefined {
    const found = this.deployments.statusOf(deploymentId);
    if (!found) return undefined;
    const { deployment, row } = found;
    const base = { deploymentId, artifactId: deployment.artifactId, gatewayId: deployment.gatewayId, kind: deployment.kind };
    if (!row) return { ...base, status: 'ARCHIVED' };
    return { ...base, status: row.status, desired: row.desired, performedAt: row.performedAt.toISOString(), ...(row.reason ? { errorCode: row.reason } : {}) };
  }

  /** A text message from a gateway: only `deployment.ack` is part of the protocol (websocket.go readLoop). */
  receive(connection: ConnectionInfo, text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      this.violation([`message is not JSON: ${text.slice(0, 80)}`]);
      return;
    }
    const type = (message as { type?: unknown } | null)?.type;
    if (type !== 'deployment.ack') {
      this.violation([`unknown message type ${JSON.stringify(type)}`]);
      return;
    }
    const payload = (message as { payload?: unknown }).payload;
    const parsed = AckMessage.safeParse(message);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `deployment.ack /${i.path.join('/')}: ${i.message}`);
      this.violation(problems);
      this.recordAck(connection, payload, 'invalid', problems.join('; '));
      return;
    }
    const ack = parsed.data.payload;
    const artifact = this.deployments.artifact(ack.artifactId);
    if (artifact && KIND_NAMES[artifact.kind].resourceType !== ack.resourceType) {
      this.violation([`deployment.ack /payload/resourceType: ${ack.resourceType} for a ${artifact.kind} (expected ${KIND_NAMES[artifact.kind].resourceType})`]);
    }
    const outcome = this.deployments.applyAck(connection.gatewayId, ack);
    if (outcome.applied) this.recordAck(connection, payload, 'applied', outcome.status);
    else this.recordAck(connection, payload, 'discarded', outcome.reason);
  }

  private publish(gatewayIds: Iterable<string>, envelope: EventEnvelope): void {
    const text = JSON.stringify(envelope);
    for (const gatewayId of new Set(gatewayIds)) {
      const record: EventRecord = { gatewayId, envelope, deliveredTo: this.down ? 0 : this.hub.send(gatewayId, text) };
      this.eventLog.push(record);
      this.activity.emit('event', record);
    }
  }

  private recordAck(connection: ConnectionInfo, payload: unknown, outcome: AckRecord['outcome'], detail: string): void {
    const record: AckRecord = { gatewayId: connection.gatewayId, connectionId: connection.connectionId, receivedAt: new Date().toISOString(), payload, outcome, detail };
    this.ackLog.push(record);
    this.activity.emit('ack', record);
  }

  private allGateways(): string[] {
    return this.gateways.all().map((g) => g.id);
  }

  private knownArtifact(artifactId: string): void {
    if (!this.deployments.artifact(artifactId)) throw new Error(`unknown artifact ${artifactId}`);
  }

  private knownPlan(planId: string): void {
    if (!this.devportal.plans.has(planId)) throw new Error(`unknown subscription plan ${planId}`);
  }
}

const resultOf = (row: StatusRow): DeployResult => ({ artifactId: row.artifactId, deploymentId: row.deploymentId, performedAt: row.performedAt.toISOString() });

/**
 * The YAML a deployment serves: an object is written as YAML, a string is served exactly as given (so a test can
 * deploy YAML that does not parse). Kind and handle come from the artifact where it has them.
 */
function artifactContent(artifact: Record<string, unknown> | string, kindOption: ArtifactKind | undefined): { kind: ArtifactKind; handle?: string; content: string } {
  let object: unknown = artifact;
  if (typeof artifact === 'string') {
    try {
      object = parseYaml(artifact);
    } catch {
      object = undefined;
    }
  }
  const o = (typeof object === 'object' && object !== null ? object : {}) as { kind?: unknown; metadata?: { name?: unknown } };
  const kind = kindOption ?? (isArtifactKind(o.kind) ? o.kind : undefined);
  if (!kind) throw new Error('deploy: the artifact has no valid kind (RestApi, LlmProvider, LlmProxy, Mcp); pass options.kind');
  const name = o.metadata?.name;
  return { kind, handle: typeof name === 'string' ? name : undefined, content: typeof artifact === 'string' ? artifact : stringifyYaml(artifact) };
}
