import { CLIENT_ID_KEY, CLIENT_SECRET_KEY, OAUTH_SECRET } from '../cli/wso2-register-client.ts';
import type { Manifest } from '../local/apply.ts';
import { ANNOTATIONS } from '../vendors/wso2/gateway/annotations.ts';
import { WSO2_API_VERSION } from '../vendors/wso2/resource-types.ts';

/** The objects of the WSO2 scenario: RestApis as the operator's samples write them, and the gateways they run on. */

/** The APIM gateway environment the bottom-up gateway is registered as (the seed's `gateway_name`). */
export const ENVIRONMENT = 'prod-gateway';
/** The seed's registration token Secret (Step 1); Step 3's OAuth2 Secret and keys are the CLI's that writes it. */
export const TOKEN_SECRET = 'gateway-cp-token';
const CA_SECRET = 'gateway-cp-ca';
/** The seed's sync_batch_size: deployments per fetch-batch call. */
export const SYNC_BATCH_SIZE = 50;
const VALUES = 'gateway-values';

/** A RestApi's spec as the operator's sample writes one: display name, version, context, upstream, operations. */
export function restApiSpec(name: string, operations: Array<{ method: string; path: string }> = [{ method: 'GET', path: '/items' }]) {
  return { displayName: name, version: 'v1.0', context: `/${name}`, upstream: { main: { url: 'http://backend.internal:8080/api' } }, operations };
}

export function restApi(name: string, namespace: string, operations?: Array<{ method: string; path: string }>): Manifest {
  return { apiVersion: WSO2_API_VERSION, kind: 'RestApi', metadata: { name, namespace }, spec: restApiSpec(name, operations) } as Manifest;
}

/** A RestApi artifact as a control plane serves it (the gateway's envelope). */
export function restArtifact(name: string, operations?: Array<{ method: string; path: string }>) {
  return { apiVersion: WSO2_API_VERSION, kind: 'RestApi' as const, metadata: { name, labels: { team: 'bench' } }, spec: restApiSpec(name, operations) };
}

const secret = (name: string, namespace: string, stringData: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, stringData }) as Manifest;

/**
 * An APIGateway for `namespace` (scope Namespaced), its management API reached at `managementUrl` (the gateway
 * controller emulator's address; in a cluster it is found through the API server instead).
 */
export function apiGateway(name: string, namespace: string, managementUrl: string, spec: Record<string, unknown> = {}): Manifest {
  return {
    apiVersion: WSO2_API_VERSION,
    kind: 'APIGateway',
    metadata: { name, namespace, annotations: { [ANNOTATIONS.managementUrl]: managementUrl } },
    spec: { apiSelector: { scope: 'Namespaced' }, ...spec },
  } as Manifest;
}

export interface ControlPlaneAccess {
  /** `host:port` of the control plane (for APIM 4.7: of APIM, which serves both). */
  host: string;
  caPem: string;
  token: string;
}

/**
 * The seed's values block (Step 4) for a gateway connected to a control plane, pasted unchanged but for verification:
 * the emulators' self-signed CA is named by `spec.controlPlane.tls.certSecretRef` instead of `insecure_skip_verify`.
 */
function values(oauth2: boolean): string {
  return `gateway:
  config:
    controller:
      gateway_name: "${ENVIRONMENT}"
      server:
        gateway_id: "${ENVIRONMENT}"
      controlplane:
        insecure_skip_verify: false
        reconnect_initial: 1s
        reconnect_max: 5m
        polling_interval: 15m
        sync_batch_size: ${SYNC_BATCH_SIZE}
        gateway_name: "${ENVIRONMENT}"
${oauth2 ? `  controller:\n    deployment:\n      extraEnvFrom:\n        - secretRef:\n            name: ${OAUTH_SECRET}\n` : ''}`;
}

/**
 * What a gateway connected to a control plane needs in its namespace, the APIGateway last: the registration token
 * Secret, the CA Secret, the values ConfigMap and, for bottom-up, the OAuth2 client Secret (the seed's key spelling).
 */
export function connectedGateway(name: string, namespace: string, managementUrl: string, cp: ControlPlaneAccess, oauth2?: { clientId: string; clientSecret: string }): Manifest[] {
  return [
    secret(TOKEN_SECRET, namespace, { token: cp.token }),
    secret(CA_SECRET, namespace, { 'ca.crt': cp.caPem }),
    ...(oauth2 ? [secret(OAUTH_SECRET, namespace, { [CLIENT_ID_KEY]: oauth2.clientId, [CLIENT_SECRET_KEY]: oauth2.clientSecret })] : []),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: VALUES, namespace }, data: { 'values.yaml': values(Boolean(oauth2)) } } as Manifest,
    apiGateway(name, namespace, managementUrl, {
      configRef: { name: VALUES },
      controlPlane: { host: cp.host, tokenSecretRef: { name: TOKEN_SECRET, key: 'token' }, tls: { certSecretRef: { name: CA_SECRET, key: 'ca.crt' } } },
    }),
  ];
}

export const namespace = (name: string): Manifest => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as Manifest;
