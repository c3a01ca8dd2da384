/**
 * What APIM 4.7 tells its platform gateways when what an environment runs changes, as carbon-apimgt does
 * (`WebSocketPlatformGatewayDeploymentDispatcher`, `PlatformGatewayArtifactDAO`, `DeploymentsApiServiceImpl`): an
 * environment named as a platform gateway registered with the control plane emulator (APIM serves both on one host)
 * gets, for a revision deployed there, a deployment of the API's artifact (the API's id, the revision's id as the
 * deployment's) announced with `api.deployed {apiId, deploymentId, performedAt}`; for an undeployment the deployment
 * removed (no longer listed by `GET /deployments`, which lists deployed artifacts only) and `api.undeployed` sent;
 * for an API deleted, `api.deleted {apiId}` to every gateway it was deployed to (which ones APIM picks is not
 * published; these are the ones that may still hold it). Bottom-up imports included: APIM announces the API
 * back to the gateway that initiated it, which the gateway treats as an in-place update of its own API.
 */
import type { ControlPlaneEmulator } from '../control-plane/types.ts';
import type { DeploymentListener, StoredApi, StoredRevision } from './apis-store.ts';

type Json = Record<string, unknown>;

/** What the notifier needs of the control plane emulator. */
export type PlatformGatewayControlPlane = Pick<ControlPlaneEmulator, 'gateways' | 'deploy' | 'removeDeployment' | 'delete' | 'hasArtifact'>;

/** The API group version platform-api writes its deployment YAML with (`BuildAPIDeploymentYAML`). */
const ARTIFACT_API_VERSION = 'gateway.api-platform.wso2.com/v1alpha1';

export function platformGatewayNotifier(cp: PlatformGatewayControlPlane): DeploymentListener {
  const gatewayNamed = (environment: string) => cp.gateways().find((g) => g.name === environment);
  return {
    deployed(api: StoredApi, revision: StoredRevision, environment: string) {
      const gateway = gatewayNamed(environment);
      if (gateway) cp.deploy(gateway.id, platformArtifact(revision.api), { kind: 'RestApi', artifactId: api.id, deploymentId: revision.id });
    },
    undeployed(api: StoredApi, _revision: StoredRevision, environment: string) {
      const gateway = gatewayNamed(environment);
      if (gateway) cp.removeDeployment(gateway.id, api.id);
    },
    deleted(api: StoredApi) {
      // The control plane knows the API only if it was ever deployed to one of its gateways.
      if (cp.hasArtifact(api.id)) cp.delete(api.id);
    },
  };
}

/**
 * The RestApi envelope APIM keeps for a platform gateway, built from the revision's API: its name and version, its
 * context, the production endpoint as the main upstream and the operations. The handle (`metadata.name`) is ours:
 * `{name}-{version}`, lowercased, what is not a DNS label character replaced by `-`.
 */
export function platformArtifact(api: Json): Json {
  const name = String(api.name ?? '');
  const version = String(api.version ?? '');
  const endpoints = (api.endpointConfig ?? {}) as { production_endpoints?: { url?: unknown } };
  const url = typeof endpoints.production_endpoints?.url === 'string' ? endpoints.production_endpoints.url : undefined;
  const operations = Array.isArray(api.operations) ? (api.operations as Json[]) : [];
  return {
    apiVersion: ARTIFACT_API_VERSION,
    kind: 'RestApi',
    metadata: { name: handleOf(name, version) },
    spec: {
      displayName: name,
      version,
      context: String(api.context ?? '/'),
      ...(url ? { upstream: { main: { url } } } : {}),
      operations: operations.map((o) => ({ method: String(o.verb ?? 'GET').toUpperCase(), path: String(o.target ?? '/*') })),
    },
  };
}

const handleOf = (name: string, version: string): string =>
  `${name}-${version}`
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 253) || 'api';
