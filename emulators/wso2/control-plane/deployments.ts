/**
 * Artifacts, their deployments to gateways and each deployment's status, as platform-api keeps them: an artifact
 * (org-wide, a UUID) has immutable deployments (a UUID each, with the YAML content deployed); per artifact and
 * gateway one status row names the current deployment, its status (DEPLOYING → DEPLOYED, UNDEPLOYING →
 * UNDEPLOYED, or FAILED), the state it is driving towards and `performedAt`, the concurrency token of acks
 * (`service/deployment.go` HandleDeploymentAck, `repository/deployment.go` UpdateStatusWithPerformedAtGuard).
 */
import { randomUUID } from 'node:crypto';
import { kindRank, type ArtifactKind } from './artifact-kinds.ts';

export type DeploymentState = 'DEPLOYING' | 'DEPLOYED' | 'UNDEPLOYING' | 'UNDEPLOYED' | 'FAILED';
export type DesiredState = 'DEPLOYED' | 'UNDEPLOYED';

export interface Artifact {
  id: string;
  kind: ArtifactKind;
  /** `metadata.name` (platform-api's handle); undefined for a malformed artifact without one. */
  handle?: string;
  /** Every gateway it was deployed to, current or not: they hear of its deletion. */
  gateways: Set<string>;
}

export interface Deployment {
  id: string;
  artifactId: string;
  gatewayId: string;
  kind: ArtifactKind;
  /** The YAML served, exactly as deployed (possibly malformed on purpose). */
  content: string;
}

export interface StatusRow {
  artifactId: string;
  gatewayId: string;
  deploymentId: string;
  status: DeploymentState;
  desired: DesiredState;
  performedAt: Date;
  /** The ack's errorCode of a FAILED status. */
  reason?: string;
}

/** What the gateway sends back (the gateway's `DeploymentAckPayload`), already checked for shape. */
export interface DeploymentAck {
  deploymentId: string;
  artifactId: string;
  resourceType: string;
  action: 'deploy' | 'undeploy';
  status: 'success' | 'failed';
  performedAt: string;
  errorCode?: string;
}

export type AckOutcome = { applied: true; status: DeploymentState } | { applied: false; reason: string };

export class DeploymentStore {
  private readonly artifacts = new Map<string, Artifact>();
  private readonly deployments = new Map<string, Deployment>();
  private readonly rows = new Map<string, StatusRow>();
  private lastInstant = 0;

  /**
   * A new deployment of an artifact to a gateway, DEPLOYING until acked. The artifact is the one of that kind
   * and handle (or id) if it exists, else a new one.
   */
  deploy(gatewayId: string, kind: ArtifactKind, handle: string | undefined, content: string, artifactId?: string, deploymentId?: string): { artifact: Artifact; row: StatusRow } {
    const artifact = this.artifactFor(kind, handle, artifactId);
    artifact.gateways.add(gatewayId);
    const deployment: Deployment = { id: deploymentId ?? randomUUID(), artifactId: artifact.id, gatewayId, kind: artifact.kind, content };
    this.deployments.set(deployment.id, deployment);
    const row: StatusRow = { artifactId: artifact.id, gatewayId, deploymentId: deployment.id, status: 'DEPLOYING', desired: 'DEPLOYED', performedAt: this.nextInstant() };
    this.rows.set(rowKey(gatewayId, artifact.id), row);
    return { artifact, row };
  }

  /** The current deployment starts UNDEPLOYING (same deployment id, a new performedAt). */
  undeploy(gatewayId: string, artifactId: string): StatusRow {
    const row = this.rows.get(rowKey(gatewayId, artifactId));
    if (!row || row.desired !== 'DEPLOYED') throw new Error(`artifact ${artifactId} is not deployed on gateway ${gatewayId}`);
    Object.assign(row, { status: 'UNDEPLOYING', desired: 'UNDEPLOYED', performedAt: this.nextInstant(), reason: undefined });
    return row;
  }

  /**
   * APIM 4.7's undeployment (`PlatformGatewayArtifactDAO.deleteArtifactForGateway`): the status row and the stored
   * artifact go, so `GET /deployments`, fetch-batch and `GET /apis/{id}` no longer show it; the operation gets a new
   * performedAt for its `*.undeployed` event. Undefined when the artifact is not on that gateway.
   */
  remove(gatewayId: string, artifactId: string): StatusRow | undefined {
    const row = this.rows.get(rowKey(gatewayId, artifactId));
    if (!row) return undefined;
    this.rows.delete(rowKey(gatewayId, artifactId));
    for (const [id, d] of this.deployments) if (d.artifactId === artifactId && d.gatewayId === gatewayId) this.deployments.delete(id);
    return { ...row, status: 'UNDEPLOYED', desired: 'UNDEPLOYED', performedAt: this.nextInstant() };
  }

  /** Removes the artifact with its deployments; returns every gateway it was deployed to (they get `*.deleted`). */
  delete(artifactId: string): { artifact: Artifact; gatewayIds: string[] } {
    const artifact = this.artifact(artifactId);
    if (!artifact) throw new Error(`unknown artifact ${artifactId}`);
    this.artifacts.delete(artifactId);
    for (const [key, row] of this.rows) if (row.artifactId === artifactId) this.rows.delete(key);
    for (const [id, d] of this.deployments) if (d.artifactId === artifactId) this.deployments.delete(id);
    return { artifact, gatewayIds: [...artifact.gateways] };
  }

  /**
   * HandleDeploymentAck: a failure overwrites any status with FAILED; a success moves DEPLOYING → DEPLOYED or
   * UNDEPLOYING → UNDEPLOYED; both only when `performedAt` is the row's (else the ack is stale and discarded).
   * As platform-api, the deployment id is not part of the guard.
   */
  applyAck(gatewayId: string, ack: DeploymentAck): AckOutcome {
    const row = this.rows.get(rowKey(gatewayId, ack.artifactId));
    if (!row) return { applied: false, reason: 'no deployment of this artifact on this gateway' };
    if (Date.parse(ack.performedAt) !== row.performedAt.getTime()) return { applied: false, reason: 'stale: performedAt does not match the current operation' };
    if (ack.status === 'failed') {
      Object.assign(row, { status: 'FAILED', reason: ack.errorCode || undefined });
      return { applied: true, status: row.status };
    }
    const [required, next]: [DeploymentState, DeploymentState] = ack.action === 'deploy' ? ['DEPLOYING', 'DEPLOYED'] : ['UNDEPLOYING', 'UNDEPLOYED'];
    if (row.status !== required) return { applied: false, reason: `status is ${row.status}, not ${required}` };
    Object.assign(row, { status: next, reason: undefined });
    return { applied: true, status: next };
  }

  /** `GET /deployments`: the gateway's status rows, by kind then latest first; `since` keeps later operations only. */
  listFor(gatewayId: string, since?: Date): { row: StatusRow; kind: ArtifactKind }[] {
    const out: { row: StatusRow; kind: ArtifactKind }[] = [];
    for (const row of this.rows.values()) {
      if (row.gatewayId !== gatewayId) continue;
      if (since && row.performedAt.getTime() <= since.getTime()) continue;
      out.push({ row, kind: this.artifacts.get(row.artifactId)!.kind });
    }
    return out.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || b.row.performedAt.getTime() - a.row.performedAt.getTime());
  }

  /** The deployment the gateway should run (desired DEPLOYED), as `GET /apis/{id}` serves it. */
  activeDeployment(gatewayId: string, artifactId: string): Deployment | undefined {
    const row = this.rows.get(rowKey(gatewayId, artifactId));
    return row?.desired === 'DEPLOYED' ? this.deployments.get(row.deploymentId) : undefined;
  }

  /** Deployments of this gateway among `ids` (any status, as GetDeploymentContentByIDs), in request order. */
  contents(gatewayId: string, ids: string[]): Deployment[] {
    const out: Deployment[] = [];
    for (const id of new Set(ids)) {
      const d = this.deployments.get(id);
      if (d && d.gatewayId === gatewayId) out.push(d);
    }
    return out;
  }

  row(gatewayId: string, artifactId: string): StatusRow | undefined {
    return this.rows.get(rowKey(gatewayId, artifactId));
  }

  /** A deployment with its status; one no longer current on its gateway is ARCHIVED (platform-api's derived state). */
  statusOf(deploymentId: string): { deployment: Deployment; row?: StatusRow } | undefined {
    const deployment = this.deployments.get(deploymentId);
    if (!deployment) return undefined;
    const row = this.rows.get(rowKey(deployment.gatewayId, deployment.artifactId));
    return { deployment, row: row?.deploymentId === deploymentId ? row : undefined };
  }

  /** Gateways with a status row for the artifact (deployed or undeployed). */
  gatewaysOf(artifactId: string): string[] {
    return [...this.rows.values()].filter((r) => r.artifactId === artifactId).map((r) => r.gatewayId);
  }

  artifact(artifactId: string): Artifact | undefined {
    return this.artifacts.get(artifactId);
  }

  private artifactFor(kind: ArtifactKind, handle: string | undefined, artifactId: string | undefined): Artifact {
    if (artifactId) {
      const known = this.artifacts.get(artifactId);
      if (known && known.kind !== kind) throw new Error(`artifact ${artifactId} is a ${known.kind}, not a ${kind}`);
      if (known) return known;
    } else if (handle !== undefined) {
      const known = [...this.artifacts.values()].find((a) => a.kind === kind && a.handle === handle);
      if (known) return known;
    }
    const artifact: Artifact = { id: artifactId ?? randomUUID(), kind, handle, gateways: new Set() };
    this.artifacts.set(artifact.id, artifact);
    return artifact;
  }

  /** Strictly increasing instants, so two operations in one millisecond still have distinct performedAt. */
  private nextInstant(): Date {
    this.lastInstant = Math.max(Date.now(), this.lastInstant + 1);
    return new Date(this.lastInstant);
  }
}

const rowKey = (gatewayId: string, artifactId: string): string => `${gatewayId}/${artifactId}`;
