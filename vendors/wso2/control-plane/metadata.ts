// What marks a resource written from a control plane, shared by the sync function (which writes it) and the watcher
// (which acks it). Pure and light: the watcher imports it without any vendor client.
import { createHash } from 'node:crypto';

export const CP_ORIGIN = 'control-plane';

export const CP_LABELS = {
  /** `control-plane` on every resource a control plane deployed. */
  origin: 'apim-sync.io/origin',
  /** The APIGateway's name: with `origin`, the list selector of one gateway's resources (they live in its namespace). */
  gatewayName: 'apim-sync.io/gateway-name',
  /** The control plane's artifact id (or a digest of it when it is not a label value): finds the resource of an event. */
  artifactId: 'apim-sync.io/artifact-id',
} as const;

export const CP_ANNOTATIONS = {
  /** `<namespace>/<name>` of the APIGateway the resource belongs to; wins over the gateways' apiSelector. */
  gateway: 'apim-sync.io/gateway',
  deploymentId: 'apim-sync.io/deployment-id',
  /** The control plane's performedAt of the deployment (or undeployment) the resource carries (RFC 3339). */
  deployedAt: 'apim-sync.io/deployed-at',
  /** `undeployed`: the gateway keeps the artifact but does not serve it (`deploymentState: undeployed`). */
  deploymentState: 'apim-sync.io/deployment-state',
  /** The control plane's id, which the gateway keeps as its own id, so the control plane's subscriptions match. */
  artifactId: 'gateway.api-platform.wso2.com/artifact-id',
  /** On a SubscriptionPlan or Subscription: the control plane's id of it. */
  controlPlaneId: 'apim-sync.io/control-plane-id',
  /**
   * The digest of what the artifact made of the resource, as stored (spec, and the labels and annotations the artifact
   * carries, whose keys it lists): a resource whose content no longer matches it was edited, and is written again.
   */
  artifactDigest: 'apim-sync.io/artifact-digest',
} as const;

/** The artifact kinds a control plane deploys, with their names in events, acks, REST paths and archives. */
export interface ArtifactKind {
  kind: 'RestApi' | 'LlmProvider' | 'LlmProxy' | 'Mcp';
  plural: string;
  /** `resourceType` of deployment.ack, and the prefix of its events (`api.deployed`). */
  ackType: 'api' | 'llmprovider' | 'llmproxy' | 'mcpproxy';
  /** Internal REST path of one artifact (zip). */
  restPath: 'apis' | 'llm-providers' | 'llm-proxies' | 'mcp-proxies';
  /** File name prefix in a fetch-batch archive (`{deploymentId}/{prefix}-{artifactId}.yaml`). */
  filePrefix: 'api' | 'llm-provider' | 'llm-proxy' | 'mcp-proxy';
}

export const ARTIFACT_KINDS: readonly ArtifactKind[] = [
  { kind: 'RestApi', plural: 'restapis', ackType: 'api', restPath: 'apis', filePrefix: 'api' },
  { kind: 'LlmProvider', plural: 'llmproviders', ackType: 'llmprovider', restPath: 'llm-providers', filePrefix: 'llm-provider' },
  { kind: 'LlmProxy', plural: 'llmproxies', ackType: 'llmproxy', restPath: 'llm-proxies', filePrefix: 'llm-proxy' },
  { kind: 'Mcp', plural: 'mcps', ackType: 'mcpproxy', restPath: 'mcp-proxies', filePrefix: 'mcp-proxy' },
];

export const artifactKindOf = (kind: string): ArtifactKind | undefined => ARTIFACT_KINDS.find((k) => k.kind === kind);

/** Reasons of a Programmed (or Accepted) condition that will not change until the spec does: the deployment failed. */
export const PERMANENT_FAILURE_REASONS: readonly string[] = ['Invalid', 'DeploymentFailed', 'InvalidConfiguration'];

/**
 * The watcher's event (`id` the artifact, `detail` the kind) for a control-plane resource whose generation moved
 * while its content no longer matches its `artifact-digest`: someone edited it, and it is written again.
 */
export const EDITED = 'resource.edited';

/** The ack error code of a deployment the gateway (or apim-sync on its behalf) could not process. */
export const GATEWAY_PROCESSING_ERROR = 'GATEWAY_PROCESSING_ERROR';
export const DEPLOYMENT_ID_MISMATCH = 'DEPLOYMENT_ID_MISMATCH';

/**
 * A deployment outcome apim-sync decided without a resource to show it (a malformed artifact, a name taken by another
 * resource, an undeploy of something this gateway never had): kept in the APIGateway's `status.controlPlane`, where
 * the watcher finds what to ack.
 */
export interface DeploymentOutcome {
  deploymentId: string;
  artifactId: string;
  kind: string;
  action: 'deploy' | 'undeploy';
  performedAt: string;
  /** Failures only. */
  errorCode?: string;
  message?: string;
  /** When apim-sync recorded it. */
  at?: string;
}

/**
 * A deployment of an API this gateway synced up to APIM (bottom-up) that APIM announced back: no resource is written
 * for it (the RestApi `resource` names is the API), and the watcher acks it success once that RestApi is Programmed
 * at its current generation with this APIM id in its `status.controlPlane.apiId`.
 */
export interface EchoOutcome {
  deploymentId: string;
  artifactId: string;
  kind: 'RestApi';
  performedAt: string;
  /** `<namespace>/<name>` of the RestApi. */
  resource: string;
  at?: string;
}

/** What the watcher last reported of its control-plane connection (`connection.refused` / `connection.restored`). */
export interface ConnectionReport {
  state: 'Connected' | 'Refused';
  /** The refusal: an HTTP status or close code and its meaning (never a secret). */
  detail?: string;
  /** When this state (with this detail) began, RFC 3339. */
  since: string;
}

/**
 * `status.controlPlane` of an APIGateway: failures (`rejected`) and successes without a resource (`settled`),
 * deployments of its own APIs announced back (`echoes`), and the watcher's last word on its connection.
 */
export interface ControlPlaneStatus {
  rejected?: DeploymentOutcome[];
  settled?: DeploymentOutcome[];
  echoes?: EchoOutcome[];
  connection?: ConnectionReport;
}

/** A label value for an id or name: itself when Kubernetes takes it as one, else a stable digest. */
export function labelValue(id: string): string {
  return /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(id) ? id : `h.${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}

/** `<namespace>/<name>` of an APIGateway, as the `apim-sync.io/gateway` annotation writes it. */
export const gatewayRef = (namespace: string, name: string) => `${namespace}/${name}`;

/** The selector of one gateway's control-plane resources, in its namespace. */
export const gatewaySelector = (gatewayName: string) => `${CP_LABELS.origin}=${CP_ORIGIN},${CP_LABELS.gatewayName}=${labelValue(gatewayName)}`;

/**
 * The status field in which a control-plane resource's sync says which deployment its conditions answer for
 * (`deploymentId|deployedAt|state`): another deployment of the same spec moves no generation, so conditions at the
 * current generation alone cannot tell the watcher the gateway runs this deployment (or its undeployment).
 */
export const SYNCED_DEPLOYMENT = 'controlPlaneDeployment';

/** The control plane's artifact id and deployment of a control-plane resource, undefined for any other resource. */
export function markOfResource(obj: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }): { artifactId: string; deploymentId: string } | undefined {
  const a = obj.metadata.annotations ?? {};
  if (obj.metadata.labels?.[CP_LABELS.origin] !== CP_ORIGIN || !a[CP_ANNOTATIONS.artifactId] || !a[CP_ANNOTATIONS.deploymentId]) return undefined;
  return { artifactId: a[CP_ANNOTATIONS.artifactId], deploymentId: a[CP_ANNOTATIONS.deploymentId] };
}

/** `deploymentId|deployedAt|state` of a control-plane resource, undefined for any other resource. */
export function deploymentMarkOf(obj: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }): string | undefined {
  const a = obj.metadata.annotations ?? {};
  if (obj.metadata.labels?.[CP_LABELS.origin] !== CP_ORIGIN || !a[CP_ANNOTATIONS.deploymentId]) return undefined;
  return [a[CP_ANNOTATIONS.deploymentId], a[CP_ANNOTATIONS.deployedAt] ?? '', a[CP_ANNOTATIONS.deploymentState] === 'undeployed' ? 'undeployed' : 'deployed'].join('|');
}

/** The status a sync of this object writes to say which deployment it pushed (nothing for other resources). */
export function syncedDeployment(obj: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }): Record<string, string> {
  const mark = deploymentMarkOf(obj);
  return mark ? { [SYNCED_DEPLOYMENT]: mark } : {};
}

/** JSON with object keys in code-point order, so a digest does not depend on key order. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

type Metadata = { labels?: Record<string, string>; annotations?: Record<string, string> };

/**
 * The `artifact-digest` annotation of a resource holding `spec` and, of its metadata, the values of the artifact's
 * label and annotation keys (listed in the value, so the check needs no artifact): `v1:<sha256>[;l=k1,k2][;a=k3]`.
 * Keys are Kubernetes qualified names, which have no `;`, `,` or `=`.
 */
export function artifactDigest(spec: unknown, metadata: Metadata, keys: { labels: string[]; annotations: string[] }): string {
  const labels = [...new Set(keys.labels)].sort();
  const annotations = [...new Set(keys.annotations)].sort();
  const pick = (from: Record<string, string> | undefined, ks: string[]) => Object.fromEntries(ks.map((k) => [k, from?.[k] ?? null]));
  const hash = createHash('sha256')
    .update(canonical({ spec: spec ?? null, labels: pick(metadata.labels, labels), annotations: pick(metadata.annotations, annotations) }))
    .digest('hex');
  return `v1:${hash}${labels.length ? `;l=${labels.join(',')}` : ''}${annotations.length ? `;a=${annotations.join(',')}` : ''}`;
}

/** The artifact keys an `artifact-digest` value lists; undefined when it is not one. */
function digestKeys(value: string): { labels: string[]; annotations: string[] } | undefined {
  const [version, , ...parts] = value.split(/[:;]/);
  if (version !== 'v1') return undefined;
  const list = (prefix: string) => parts.find((p) => p.startsWith(prefix))?.slice(prefix.length).split(',').filter(Boolean) ?? [];
  return { labels: list('l='), annotations: list('a=') };
}

/**
 * Whether a control-plane resource still holds what its artifact made of it: true when its content matches its
 * `artifact-digest`, false when it was edited or carries no (readable) digest.
 */
export function matchesArtifact(obj: { metadata: Metadata; spec?: unknown }): boolean {
  const recorded = obj.metadata.annotations?.[CP_ANNOTATIONS.artifactDigest];
  const keys = recorded ? digestKeys(recorded) : undefined;
  return keys !== undefined && artifactDigest(obj.spec, obj.metadata, keys) === recorded;
}
