import { missingReference, permanent, SyncError } from '../../../shared/engine/errors.ts';
import { portForwardTransport, readyPodFor, serviceProxyTransport } from '../../../shared/kube/api-server-transport.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { registerResourceType } from '../../../shared/kube/resources.ts';
import { GATEWAY_NOT_READY } from '../conditions.ts';
import type { ManagementEndpoint } from '../management-api.ts';
import { ANNOTATIONS, type GatewayConfig } from './config.ts';
import type { ManagementCredentials } from './credentials.ts';
import { releaseName } from './release-name.ts';

const MANAGEMENT_BASE_PATH = '/api/management/v1';
/** The gateway controller's REST port when its Service names none (the operator's fallback). */
const REST_PORT = 9090;

const SERVICE = { apiVersion: 'v1', kind: 'Service' } as const;
registerResourceType({ ...SERVICE, plural: 'services' });

/** `…/api/management/v1` from a URL that is either the controller's root or already that base. */
export function managementBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith(MANAGEMENT_BASE_PATH) ? trimmed : `${trimmed}${MANAGEMENT_BASE_PATH}`;
}

/** The gateway controller's Service and port, as the operator discovers it (internal/controller/gateway_infra.go). */
interface ControllerService {
  name: string;
  port: number;
}

/**
 * The Service `apim-sync.io/management-service` names, else the one the operator would find: labelled
 * `app.kubernetes.io/instance=<release>` and `app.kubernetes.io/component=controller` in the APIGateway's namespace;
 * its port named `rest`, else 9090, else its only port.
 */
async function controllerService(gateway: KubeObject, config: GatewayConfig, ctx: SyncContext): Promise<ControllerService> {
  const ns = gateway.metadata.namespace ?? 'default';
  const named = config.management.service;
  let svc: KubeObject | undefined;
  if (named) {
    svc = await ctx.cluster.get({ ...SERVICE, namespace: ns, name: named.name });
    if (!svc) throw missingReference(`Service ${ns}/${named.name} (metadata.annotations[${ANNOTATIONS.managementService}]) not found`);
  } else {
    const release = releaseName(gateway.metadata.name);
    const selector = `app.kubernetes.io/instance=${release},app.kubernetes.io/component=controller`;
    const found = (await ctx.cluster.list(SERVICE, ns, { labelSelector: selector })).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    svc = found[0];
    if (!svc) {
      throw new SyncError(
        'reference',
        GATEWAY_NOT_READY,
        `no gateway controller Service in namespace ${ns} labelled ${selector} (the Helm release of APIGateway ${gateway.metadata.name}); ` +
          `name it with the annotation ${ANNOTATIONS.managementService}, or give the URL with ${ANNOTATIONS.managementUrl}`,
      );
    }
  }
  const ports = ((svc.spec as { ports?: { name?: string; port?: number }[] } | undefined)?.ports ?? []).filter((p) => typeof p.port === 'number');
  const port = named?.port ?? ports.find((p) => p.name === 'rest')?.port ?? ports.find((p) => p.port === REST_PORT)?.port ?? (ports.length === 1 ? ports[0].port : undefined);
  if (port === undefined) {
    throw permanent('InvalidConfiguration', `Service ${ns}/${svc.metadata.name} has no port named rest, no port ${REST_PORT} and more than one port: name the port with ${ANNOTATIONS.managementService}: ${svc.metadata.name}:<port>`);
  }
  return { name: svc.metadata.name, port };
}

/**
 * How the sync function reaches a gateway's management API: the URL `apim-sync.io/management-url` gives, through
 * VendorHttp (address policy, timeouts); otherwise through the member cluster's API server.
 */
export async function managementEndpoint(gateway: KubeObject, config: GatewayConfig, credentials: ManagementCredentials, ctx: SyncContext): Promise<ManagementEndpoint> {
  const url = config.management.url;
  if (url) return { transport: ctx.http, baseUrl: managementBase(url), authorization: credentials.authorization, via: managementBase(url), credentials: credentials.source };
  const hint = accessHint(gateway);
  const endpoint = await apiServerEndpoint(gateway, config, credentials, ctx).catch((e) => hint(e));
  const { transport } = endpoint;
  return { ...endpoint, transport: { request: (req) => (ctx.countVendorCall?.(req.method), transport.request(req).catch((e) => hint(e))) } };
}

/** A refusal of the API server (RBAC) also says how to grant this gateway's reach: a Role in its namespace. */
function accessHint(gateway: KubeObject) {
  return (e: unknown): never => {
    if (e instanceof SyncError && e.reason === 'Forbidden') {
      e.message += ` (\`npx apim-sync wso2 gateway-access --gateway ${gateway.metadata.name} --namespace ${gateway.metadata.namespace ?? 'default'}\` writes that Role)`;
    }
    throw e;
  };
}

/**
 * The management API through the member cluster's API server, so the central plane needs no other path into the
 * cluster. kube-apiserver strips the Authorization header of the requests it authenticates (kubernetes#38775): the
 * Service proxy carries no credentials, and is used only when the gateway's API needs none (basic auth and IdP
 * disabled in its values); otherwise the call is tunnelled to a ready pod behind the Service (pods/portforward), where
 * the header arrives intact. `apim-sync.io/management-transport` forces either.
 */
async function apiServerEndpoint(gateway: KubeObject, config: GatewayConfig, credentials: ManagementCredentials, ctx: SyncContext): Promise<ManagementEndpoint> {
  const ns = gateway.metadata.namespace ?? 'default';
  const service = await controllerService(gateway, config, ctx);
  const connection = await ctx.cluster.connection();
  const how = config.management.transport ?? (config.management.authRequired ? 'port-forward' : 'service-proxy');
  const svc = `Service ${ns}/${service.name}:${service.port}`;
  if (how === 'service-proxy') {
    return {
      transport: serviceProxyTransport({ connection, namespace: ns, service: service.name, port: service.port }),
      baseUrl: `http://${service.name}.${ns}.svc:${service.port}${MANAGEMENT_BASE_PATH}`,
      authorization: credentials.authorization,
      via: `${svc} through the API server's services/proxy`,
      cluster: ctx.cluster.id,
      credentials: config.management.authRequired ? `${credentials.source}, which services/proxy cannot carry (the API server strips them): use the port-forward transport` : 'none (the gateway requires none)',
    };
  }
  const pod = await readyPodFor({ connection, namespace: ns, service: service.name, port: service.port });
  return {
    transport: portForwardTransport({ connection, namespace: ns, pod: pod.pod, port: pod.port }),
    baseUrl: `http://${service.name}.${ns}.svc:${service.port}${MANAGEMENT_BASE_PATH}`,
    authorization: credentials.authorization,
    via: `${svc} through the API server's pods/portforward to Pod ${ns}/${pod.pod}:${pod.port}`,
    cluster: ctx.cluster.id,
    credentials: credentials.source,
  };
}
