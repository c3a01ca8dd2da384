/**
 * What the deployable kinds (RestApi, LlmProvider, LlmProxy, Mcp) share: their server-managed `status`,
 * the answer bodies, the conflict rules (one handle and one display name + version per kind), storing.
 */
import { ok, type HandlerContext } from './context.ts';
import { CONFLICT } from './errors.ts';
import type { Answer } from './http-io.ts';
import { now, type ArtifactKind, type DeploymentState, type GatewayStore, type Json, type Resource, type StoredArtifact } from './store.ts';
import { obj, text } from './validation/fields.ts';

/** `status` as the gateway builds it: the handle as id; `deployedAt` only while deployed (as the spec says). */
function artifactStatus(a: StoredArtifact): Json {
  return {
    id: a.handle,
    state: a.desiredState,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    ...(a.desiredState === 'deployed' ? { deployedAt: a.deployedAt } : {}),
  };
}

/** The resource as answered: a copy with the server's status, after `hide` removed what is write-only. */
export function artifactBody(a: StoredArtifact, hide?: (resource: Resource) => void): Json {
  const resource = structuredClone(a.resource);
  hide?.(resource);
  return { ...resource, status: artifactStatus(a) };
}

/** The gateway's conflict message when another artifact of the kind has the display name + version, or the handle. */
export function conflictOf(store: GatewayStore, kind: ArtifactKind, uuid: string, displayName: string, version: string, handle: string): string | undefined {
  const sameName = store.artifactByNameVersion(kind, displayName, version);
  if (sameName && sameName.uuid !== uuid) return `${CONFLICT}: configuration with name '${displayName}' and version '${version}' already exists`;
  const sameHandle = store.artifactByHandle(kind, handle);
  if (sameHandle && sameHandle.uuid !== uuid) return `${CONFLICT}: configuration with handle '${handle}' already exists`;
  return undefined;
}

/** Creates or replaces the artifact with this UUID (the creation time of a replaced one is kept). */
export function saveArtifact(store: GatewayStore, kind: ArtifactKind, uuid: string, resource: Resource, desiredState: DeploymentState): StoredArtifact {
  const at = now();
  const existing = store.artifacts.get(uuid);
  const spec = obj(resource.spec) ?? {};
  const artifact: StoredArtifact = {
    uuid,
    kind,
    handle: text(resource.metadata?.name),
    displayName: text(spec.displayName),
    version: text(spec.version),
    desiredState,
    resource,
    createdAt: existing?.createdAt ?? at,
    updatedAt: at,
    deployedAt: at,
  };
  store.artifacts.set(uuid, artifact);
  return artifact;
}

/** `deploymentState: undeployed` in a spec. */
export const desiredStateOf = (resource: Json): DeploymentState => (obj(resource.spec)?.deploymentState === 'undeployed' ? 'undeployed' : 'deployed');

/** A context with `$version` replaced, as list answers and the `context` filter show it. */
export const resolvedContext = (a: StoredArtifact): string => text(obj(a.resource.spec)?.context).replaceAll('$version', a.version);

interface ListFilters {
  displayName?: string;
  version?: string;
  context?: string;
  status?: string;
  vhost?: string;
}

const FILTERS: (keyof ListFilters)[] = ['displayName', 'version', 'context', 'status'];

/**
 * A deployable kind's list operation: the spec's query filters over its artifacts (an empty value filters nothing, as
 * the gateway treats it; `vhost` for the kinds that have one), each item as `body` answers it, under `key` of the
 * list envelope `{status: 'success', count, <key>: [...]}`.
 */
export function listArtifacts(
  ctx: HandlerContext,
  kind: ArtifactKind,
  key: string,
  body: (a: StoredArtifact) => Json,
  contextOf: (a: StoredArtifact) => string,
  vhostOf?: (a: StoredArtifact) => string | undefined,
): Answer {
  const filters: ListFilters = {};
  for (const name of vhostOf ? [...FILTERS, 'vhost' as const] : FILTERS) {
    const value = ctx.query.get(name);
    if (value) filters[name] = value;
  }
  const items = ctx.store
    .artifactsOf(kind)
    .filter((a) => matches(a, filters, contextOf(a), vhostOf?.(a)))
    .map(body);
  return ok({ status: 'success', count: items.length, [key]: items });
}

function matches(a: StoredArtifact, f: ListFilters, context: string, vhost: string | undefined): boolean {
  return (
    (f.displayName === undefined || a.displayName === f.displayName) &&
    (f.version === undefined || a.version === f.version) &&
    (f.context === undefined || context === f.context) &&
    (f.status === undefined || a.desiredState === f.status) &&
    (f.vhost === undefined || vhost === f.vhost)
  );
}

/** The deletion answer of the deployable kinds. */
export const deleted = (message: string, id: string): Json => ({ status: 'success', message, id });
