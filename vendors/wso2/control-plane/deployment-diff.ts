import type { RemoteDeployment } from './internal-api.ts';
import { compareTimes, type DeploymentMark } from './resource-writer.ts';

/** A control-plane resource of the gateway, as the diff needs it. */
export interface LocalArtifact extends DeploymentMark {
  kind: string;
  name: string;
}

/** What a full resync does, as the gateway's computeSyncDiff (sync.go) plus what it leaves undone. */
export interface DeploymentDiff {
  /** Missing here (and deployed there), another deployment, or another deployedAt: the artifact is fetched and written. */
  fetch: RemoteDeployment[];
  /** Same deployment, another state (undeployed there, deployed here, or back): only the resource's state changes. */
  restate: Array<{ remote: RemoteDeployment; local: LocalArtifact }>;
  /** Here but no longer there. */
  remove: LocalArtifact[];
}

export const remoteState = (d: RemoteDeployment): 'deployed' | 'undeployed' | undefined => {
  const s = d.state.toLowerCase();
  return s === 'deployed' || s === 'undeployed' ? s : undefined;
};

/**
 * Compares what the control plane says should be on the gateway with the resources it wrote. A local artifact the
 * control plane lists twice is judged by its newest deployment; two resources for one artifact (a renamed artifact
 * whose old resource survived a crash) leave only the newest, the others removed.
 */
export function diffDeployments(remote: RemoteDeployment[], local: LocalArtifact[]): DeploymentDiff {
  const byArtifact = new Map<string, RemoteDeployment>();
  for (const d of remote) {
    const prev = byArtifact.get(d.artifactId);
    if (!prev || compareTimes(d.deployedAt ?? '', prev.deployedAt ?? '') > 0) byArtifact.set(d.artifactId, d);
  }
  const localBy = new Map<string, LocalArtifact>();
  const remove: LocalArtifact[] = [];
  for (const l of local) {
    const prev = localBy.get(l.artifactId);
    if (!prev) localBy.set(l.artifactId, l);
    else if (compareTimes(l.deployedAt, prev.deployedAt) > 0) {
      remove.push(prev);
      localBy.set(l.artifactId, l);
    } else remove.push(l);
  }
  const diff: DeploymentDiff = { fetch: [], restate: [], remove };
  for (const [id, d] of byArtifact) {
    const state = remoteState(d);
    if (!state) continue; // a state apim-sync does not know: leave the resource as it is
    const l = localBy.get(id);
    if (!l) {
      // Nothing to create for an artifact the control plane has undeployed.
      if (state === 'deployed') diff.fetch.push(d);
    } else if (l.deploymentId !== d.deploymentId) diff.fetch.push(d);
    else if (l.state !== state) diff.restate.push({ remote: d, local: l });
    else if (!d.deployedAt || !l.deployedAt || compareTimes(d.deployedAt, l.deployedAt) !== 0) diff.fetch.push(d);
  }
  for (const [id, l] of localBy) if (!byArtifact.has(id)) diff.remove.push(l);
  return diff;
}

/** The gateway's order: dependencies first when writing (providers before the proxies using them), last when removing. */
const WRITE_ORDER = ['LlmProvider', 'LlmProxy', 'RestApi', 'Mcp'];
const REMOVE_ORDER = ['Mcp', 'RestApi', 'LlmProxy', 'LlmProvider'];
const rank = (order: string[], kind: string) => (order.includes(kind) ? order.indexOf(kind) : order.length);
export const inWriteOrder = <T extends { kind: string }>(items: T[]) => [...items].sort((a, b) => rank(WRITE_ORDER, a.kind) - rank(WRITE_ORDER, b.kind));
export const inRemoveOrder = <T extends { kind: string }>(items: T[]) => [...items].sort((a, b) => rank(REMOVE_ORDER, a.kind) - rank(REMOVE_ORDER, b.kind));
