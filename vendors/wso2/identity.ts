import type { VendorObjectIdentity } from '../../shared/engine/kind.ts';
import type { ManagementEndpoint } from './management-api.ts';

/** A URL as one string whatever its spelling: scheme and host lowercased, default port and trailing slashes dropped. */
function normalisedUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * The gateway a resource is pushed to: its management URL. A gateway reached through its member cluster's API server
 * has a Service address (`http://<service>.<namespace>.svc:<port>/…`) that every cluster may have one of: the
 * cluster is part of its scope then (`cluster/<id>/http://…`).
 */
export function wso2GatewayScope(endpoint: Pick<ManagementEndpoint, 'baseUrl' | 'cluster'>): string {
  const url = normalisedUrl(endpoint.baseUrl);
  return endpoint.cluster ? `cluster/${endpoint.cluster}/${url}` : url;
}

/**
 * An object a gateway keeps: `type` as the gateway names it (the operator's envelope kind: `RestApi`, `Secret`…),
 * `id` what it keys it by (a handle, a plan name; under a parent `<parent collection>/<parent>/<name>`).
 */
export function wso2GatewayIdentity(endpoint: Pick<ManagementEndpoint, 'baseUrl' | 'cluster'>, type: string, id: string): VendorObjectIdentity {
  return { vendor: 'wso2', scope: wso2GatewayScope(endpoint), type, id };
}

/** An API a bottom-up RestApi imports into WSO2 API Manager (`host[:port]`, https), keyed as APIM keys it: `name:version`. */
export function wso2ApimIdentity(host: string, api: { name: string; version: string }): VendorObjectIdentity {
  return { vendor: 'wso2', scope: new URL(`https://${host}`).origin, type: 'api', id: `${api.name}:${api.version}` };
}
