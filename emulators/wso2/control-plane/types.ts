/** Public types of the WSO2 control plane emulator. */
import type { EventEmitter } from 'node:events';
import type { FaultRule } from '../../common/faults.ts';
import type { CallRecord as BaseCallRecord, ContractViolation } from '../../common/records.ts';
import type { ArtifactKind } from './artifact-kinds.ts';
import type { DeploymentState, DesiredState } from './deployments.ts';
import type { ApiKeyInput, PlanInput, SubscriptionInput } from './devportal.ts';
import type { EventEnvelope } from './events.ts';

export type { ArtifactKind, ContractViolation, DeploymentState, EventEnvelope, FaultRule };
export type { ApiKeyInput, PlanInput, SubscriptionInput };

/** `apim`: WSO2 API Manager 4.7 (well-known discovery, `/internal/data/v1`); `platform`: the Platform API (`/api/internal/v1`). */
export type Flavour = 'apim' | 'platform';

export interface ControlPlaneEmulatorOptions {
  flavour: Flavour;
  /** Listen address; default `127.0.0.1`. */
  host?: string;
  /** Default 0 (random). */
  port?: number;
  /** Server pings on each connection at this interval; default 20 000 (platform-api's heartbeat). */
  pingIntervalMs?: number;
  /** A connection without a pong for longer than this is dropped (checked at each ping); default 30 000. */
  pongTimeoutMs?: number;
  /** Fixed latency added to every REST answer. */
  latencyMs?: number;
  /** Folder of the published specs; env APIM_SYNC_SPECS_DIR; default `emulators/specs/`. */
  specsDir?: string;
  /** APIM version in the well-known answer; default `4.7.0`. */
  apimVersion?: string;
  /** Bound of the `calls` log; default 100 000. */
  maxCalls?: number;
}

/** The gateway artifact envelope; anything else (a YAML string, an object missing fields) is deployed as given. */
export interface ArtifactEnvelope {
  apiVersion: string;
  kind: ArtifactKind;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

export interface DeployOptions {
  /** Required when the artifact is a string or has no valid `kind`. */
  kind?: ArtifactKind;
  /** Redeploy this artifact (default: the one of that kind and `metadata.name`, else a new one). */
  artifactId?: string;
  /** The deployment's id (default a new UUID); APIM 4.7 uses the id of the revision it deployed. */
  deploymentId?: string;
}

export interface DeployResult {
  artifactId: string;
  deploymentId: string;
  /** ISO instant; the gateway echoes it in its ack. */
  performedAt: string;
}

export interface DeploymentStatusView {
  deploymentId: string;
  artifactId: string;
  gatewayId: string;
  kind: ArtifactKind;
  /** ARCHIVED: superseded by a later deployment of the artifact on the gateway. */
  status: DeploymentState | 'ARCHIVED';
  desired?: DesiredState;
  performedAt?: string;
  /** errorCode of a failure ack. */
  errorCode?: string;
}

export interface AckRecord {
  gatewayId: string;
  connectionId: string;
  receivedAt: string;
  /** As received. */
  payload: unknown;
  outcome: 'applied' | 'discarded' | 'invalid';
  /** Why it was discarded or invalid, or the status it set. */
  detail: string;
}

export interface EventRecord {
  gatewayId: string;
  envelope: EventEnvelope;
  /** Connections it was written to: 0 when the gateway was not connected or the control plane was down (lost). */
  deliveredTo: number;
}

export interface ConnectionInfo {
  gatewayId: string;
  connectionId: string;
  connectedAt: string;
}

export interface CallRecord extends BaseCallRecord {
  /** The authenticated gateway, when there was one. */
  gatewayId?: string;
}

export interface ManifestRecord {
  gatewayId: string;
  body: unknown;
}

export interface ApiKeyCreated {
  uuid: string;
  name: string;
  /** The plaintext, for the test to use against the gateway; the emulator keeps only its hash. */
  apiKey: string;
  maskedApiKey: string;
}

/**
 * Activity a test can wait for (`await once(cp.activity, 'ack')`): `connection` (ConnectionInfo), `disconnection`
 * (ConnectionInfo & {code, reason}), `pong` (ConnectionInfo), `ack` (AckRecord), `event` (EventRecord), `refused`
 * ({status} or {closeCode}) for an upgrade turned away.
 */
export type ActivityEmitter = EventEmitter;

export interface ControlPlaneEmulator {
  readonly flavour: Flavour;
  /** `https://127.0.0.1:PORT`. */
  readonly url: string;
  /** `127.0.0.1:PORT`: the gateway's `controlplane.host`. */
  readonly host: string;
  /** Where the internal REST API is: `{url}/internal/data/v1` or `{url}/api/internal/v1`. */
  readonly restBase: string;
  /** `wss://…/ws/gateways/connect`. */
  readonly wsUrl: string;
  /** The self-signed certificate (its own CA), for clients to trust instead of skipping verification. */
  readonly caPem: string;

  registerGateway(name: string, token?: string): { id: string; token: string };
  /** The registered gateways (APIM 4.7: the platform gateways, each also a gateway environment of its name). */
  gateways(): { id: string; name: string }[];
  /** A new token; the old ones get 401 on REST and are refused on the WebSocket (live connections stay). */
  regenerateToken(gatewayId: string): string;
  revokeToken(token: string): void;

  /** Stores the artifact as a new deployment (DEPLOYING) and sends `{kind}.deployed` to the gateway's connections. */
  deploy(gatewayId: string, artifact: ArtifactEnvelope | Record<string, unknown> | string, options?: DeployOptions): DeployResult;
  /** UNDEPLOYING with a new performedAt; sends `{kind}.undeployed`. */
  undeploy(gatewayId: string, artifactId: string): DeployResult;
  /**
   * APIM 4.7's undeployment: the deployment is removed (no longer in `GET /deployments`, fetch-batch or `GET
   * /apis/{id}`) and `{kind}.undeployed` sent with a new performedAt. Undefined when it is not on that gateway.
   */
  removeDeployment(gatewayId: string, artifactId: string): DeployResult | undefined;
  /** Removes the artifact, its deployments, subscriptions and keys; sends `{kind}.deleted` to every gateway it was deployed to. */
  delete(artifactId: string): void;
  /** Whether the control plane has this artifact (deployed anywhere or not). */
  hasArtifact(artifactId: string): boolean;

  createApiKey(artifactId: string, input: ApiKeyInput): ApiKeyCreated;
  /** Regenerates the key (or sets `apiKey`); sends `apikey.updated`. */
  updateApiKey(artifactId: string, name: string, input?: { apiKey?: string; expiresAt?: string; userId?: string }): ApiKeyCreated;
  revokeApiKey(artifactId: string, name: string, userId?: string): void;
  createSubscription(apiId: string, input?: SubscriptionInput): { id: string; subscriptionToken: string };
  updateSubscription(id: string, patch: Partial<SubscriptionInput>): void;
  deleteSubscription(id: string): void;
  createPlan(input: PlanInput): { id: string; handle: string };
  updatePlan(id: string, patch: Partial<PlanInput>): void;
  deletePlan(id: string): void;

  /** Cuts connections without a close frame (the gateway sees 1006); all, or one gateway's. Returns how many. */
  dropConnections(gatewayId?: string): number;
  /** No pings and no pong-timeout checks until resumePinging() (a server that went quiet). */
  stopPinging(): void;
  resumePinging(): void;
  /** Down: live connections are cut, new ones refused (HTTP 503), REST answers 503; hook changes are kept, their events lost. */
  setDown(down: boolean): void;

  connections(gatewayId?: string): ConnectionInfo[];
  acks(): AckRecord[];
  events(gatewayId?: string): EventRecord[];
  deploymentStatus(deploymentId: string): DeploymentStatusView | undefined;
  /** Policy manifests pushed by gateways (`POST /gateways/{id}/manifest`). */
  manifests(): ManifestRecord[];
  readonly activity: ActivityEmitter;
  readonly calls: CallRecord[];
  /** Requests (and WebSocket messages) outside the published contract; keep it empty. */
  violations(): ContractViolation[];
  faults: { inject(rule: FaultRule): void; clear(): void };
  close(): Promise<void>;
}
