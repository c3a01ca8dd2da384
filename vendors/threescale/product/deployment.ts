import type { AdminApi } from '../admin-api.ts';
import { endpointWithPort } from '../system-name.ts';
import type { AuthenticationSpec, ProductSpec } from './schema.ts';

type Json = Record<string, any>;

const authOf = (spec: ProductSpec): AuthenticationSpec | undefined => (spec.deployment?.apicastHosted ?? spec.deployment?.apicastSelfManaged)?.authentication;

/** Service fields the deployment decides; each only when the spec sets it (the operator respects 3scale's defaults). */
export function serviceDeploymentFields(spec: ProductSpec): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec.deployment?.apicastHosted) out.deployment_option = 'hosted';
  if (spec.deployment?.apicastSelfManaged) out.deployment_option = 'self_managed';
  const auth = authOf(spec);
  if (auth?.userkey) out.backend_version = '1';
  if (auth?.appKeyAppID) out.backend_version = '2';
  if (auth?.oidc) out.backend_version = 'oidc';
  return out;
}

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The proxy fields the spec sets (SyncProxy): public URLs, credentials location and names, security, gateway responses, OIDC. */
export function desiredProxy(spec: ProductSpec): Record<string, string> {
  const out: Record<string, string> = {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined && value !== null) out[field] = String(value);
  };
  const self = spec.deployment?.apicastSelfManaged;
  set('endpoint', self?.productionPublicBaseURL);
  set('sandbox_endpoint', self?.stagingPublicBaseURL);
  const auth = authOf(spec);
  const method = auth?.userkey ?? auth?.appKeyAppID ?? auth?.oidc;
  if (!method) return out;
  set('credentials_location', method.credentials);
  set('secret_token', method.security?.secretToken);
  set('hostname_rewrite', method.security?.hostHeader);
  for (const [k, v] of Object.entries(method.gatewayResponse ?? {})) set(snake(k), v);
  set('auth_user_key', auth?.userkey?.authUserKey);
  set('auth_app_id', auth?.appKeyAppID?.appID);
  set('auth_app_key', auth?.appKeyAppID?.appKey);
  if (auth?.oidc) {
    set('oidc_issuer_endpoint', auth.oidc.issuerEndpoint);
    set('oidc_issuer_type', auth.oidc.issuerType);
    set('jwt_claim_with_client_id', auth.oidc.jwtClaimWithClientID);
    set('jwt_claim_with_client_id_type', auth.oidc.jwtClaimWithClientIDType);
  }
  return out;
}

/** porta stores public URLs with the default port made explicit; everything else is compared as text. */
const comparable = (field: string, value: string) => (field === 'endpoint' || field === 'sandbox_endpoint' ? endpointWithPort(value) : value);

export function proxyDrift(want: Record<string, string>, proxy: Json): Record<string, string> {
  return Object.fromEntries(Object.entries(want).filter(([f, v]) => comparable(f, v) !== String(proxy[f] ?? '')));
}

export async function convergeProxy(api: AdminApi, productId: number, want: Record<string, string>, proxy: Json): Promise<void> {
  const drift = proxyDrift(want, proxy);
  if (Object.keys(drift).length) await api.patch(`/admin/api/services/${productId}/proxy.json`, 'proxy', drift);
}

const FLOWS = { standardFlowEnabled: 'standard_flow_enabled', implicitFlowEnabled: 'implicit_flow_enabled', serviceAccountsEnabled: 'service_accounts_enabled', directAccessGrantsEnabled: 'direct_access_grants_enabled' } as const;

/** The OIDC flows (SyncOIDCConfiguration), only when the spec sets `authenticationFlow`. */
export function desiredOidcFlows(spec: ProductSpec): Record<string, boolean> | undefined {
  const flow = authOf(spec)?.oidc?.authenticationFlow;
  if (!flow) return undefined;
  return Object.fromEntries(Object.entries(FLOWS).map(([k, f]) => [f, Boolean(flow[k as keyof typeof FLOWS])]));
}

export const oidcUpToDate = (want: Record<string, boolean>, have: Json | undefined) => Object.entries(want).every(([f, v]) => have?.[f] === v);

/** The four flags as the spec's flat form fields (porta wraps them into `oidc_configuration` itself). */
export async function convergeOidc(api: AdminApi, productId: number, want: Record<string, boolean>, have: Json | undefined): Promise<void> {
  if (oidcUpToDate(want, have)) return;
  const form = Object.fromEntries(Object.entries(want).map(([f, v]) => [f, String(v)]));
  await api.patch(`/admin/api/services/${productId}/proxy/oidc_configuration.json`, 'oidc_configuration', form);
}
