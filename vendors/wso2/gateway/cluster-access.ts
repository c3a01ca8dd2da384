import { releaseName } from './release-name.ts';

/** The ServiceAccount the sync function acts as in a member cluster (infra/sync-access). */
export const SYNC_SERVICE_ACCOUNT = { name: 'apim-sync-sync', namespace: 'apim-sync' };
/** The gateway chart's name and its controller's REST port (kubernetes/helm/gateway-helm-chart). */
const CHART = 'gateway';
const REST_PORT = 9090;

/**
 * The Service the gateway's Helm release gives its controller: `<fullname>-controller`, where the chart's fullname is
 * the release name when it contains the chart's name, else `<release>-gateway` (the chart's _helpers.tpl).
 */
export function controllerServiceName(gatewayName: string): string {
  const release = releaseName(gatewayName);
  const fullname = (release.includes(CHART) ? release : `${release}-${CHART}`).slice(0, 63).replace(/-+$/, '');
  return `${fullname}-controller`;
}

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

/**
 * What reaching one gateway's management API through the member cluster's API server needs of the sync function's
 * identity (management-endpoint.ts), in the gateway's namespace only: the controller's Service found by its Helm
 * release labels (list) or by name (get); `services/proxy` of that Service alone (the API server authorizes the
 * proxy under the name `name:port`; every HTTP method maps to a verb), used when the gateway takes no credentials; a
 * ready pod behind it (get, list) and `pods/portforward` (the WebSocket upgrade, authorized as get and create).
 * Pod names are not known in advance, so port-forward is granted for the namespace: keep gateways in their own.
 */
export function gatewayReachRules(service: string, port = REST_PORT): Rule[] {
  return [
    { apiGroups: [''], resources: ['services'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['services/proxy'], resourceNames: [service, `${service}:${port}`], verbs: ['create', 'delete', 'get', 'patch', 'update'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['pods/portforward'], verbs: ['create', 'get'] },
  ];
}

/** The Role and RoleBinding that let the sync function reach APIGateway `gateway`'s controller, and nothing else there. */
export function gatewayAccess(opts: { gateway: string; namespace: string; service?: string; port?: number }): Record<string, unknown>[] {
  const service = opts.service ?? controllerServiceName(opts.gateway);
  const name = `apim-sync-gateway-${opts.gateway}`.slice(0, 253);
  const labels = { 'app.kubernetes.io/name': 'apim-sync-sync', 'app.kubernetes.io/part-of': 'apim-sync' };
  const metadata = { name, namespace: opts.namespace, labels };
  return [
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: gatewayReachRules(service, opts.port) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', ...SYNC_SERVICE_ACCOUNT }],
    },
  ];
}
