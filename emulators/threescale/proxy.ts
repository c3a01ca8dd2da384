/** A product's proxy (APIcast settings), policy chain and OIDC flows. */
import { Validation, unprocessable } from './errors.ts';
import { assign, bool, found, ok, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { endpointWithPort } from './naming.ts';
import type { Rec } from './table.ts';

const serviceOf = (ctx: Ctx): Rec => found(ctx.tenant.services, pathId(ctx, 'service_id'));

/** The proxy porta creates with a product; hosted endpoints are derived from the system name. */
export function defaultProxy(ctx: Ctx, service: Rec): Rec {
  const host = `${String(service.system_name).replace(/[^a-z0-9-]/gi, '-').toLowerCase()}-${ctx.tenant.name}`;
  return {
    id: service.id,
    service_id: service.id,
    endpoint: `https://${host}-apicast-production.example.com:443`,
    sandbox_endpoint: `https://${host}-apicast-staging.example.com:443`,
    api_backend: null,
    credentials_location: 'query',
    auth_app_key: 'app_key',
    auth_app_id: 'app_id',
    auth_user_key: 'user_key',
    error_auth_failed: 'Authentication failed',
    error_auth_missing: 'Authentication parameters missing',
    error_status_auth_failed: 403,
    error_headers_auth_failed: 'text/plain; charset=us-ascii',
    error_status_auth_missing: 403,
    error_headers_auth_missing: 'text/plain; charset=us-ascii',
    error_no_match: 'No Mapping Rule matched',
    error_status_no_match: 404,
    error_headers_no_match: 'text/plain; charset=us-ascii',
    error_limits_exceeded: 'Usage limit exceeded',
    error_status_limits_exceeded: 429,
    error_headers_limits_exceeded: 'text/plain; charset=us-ascii',
    secret_token: `Shared_secret_sent_from_proxy_to_API_backend_${ctx.world.randomHex('secret', 16)}`,
    hostname_rewrite: '',
    oidc_issuer_endpoint: null,
    oidc_issuer_type: 'keycloak',
    jwt_claim_with_client_id: null,
    jwt_claim_with_client_id_type: 'plain',
    deployment_option: service.deployment_option,
    lock_version: 0,
    ...stamp(ctx),
    links: [
      { rel: 'mapping_rules', href: href(ctx, `/admin/api/services/${service.id}/proxy/mapping_rules`) },
      { rel: 'self', href: href(ctx, `/admin/api/services/${service.id}/proxy`) },
      { rel: 'service', href: href(ctx, `/admin/api/services/${service.id}`) },
    ],
  };
}

const TEXT_FIELDS = [
  'credentials_location', 'auth_app_key', 'auth_app_id', 'auth_user_key', 'error_auth_failed', 'error_auth_missing',
  'error_headers_auth_failed', 'error_headers_auth_missing', 'error_no_match', 'error_headers_no_match',
  'error_limits_exceeded', 'error_headers_limits_exceeded', 'secret_token', 'hostname_rewrite', 'oidc_issuer_endpoint',
  'oidc_issuer_type', 'jwt_claim_with_client_id', 'jwt_claim_with_client_id_type', 'api_backend',
];
const STATUS_FIELDS = ['error_status_auth_failed', 'error_status_auth_missing', 'error_status_no_match', 'error_status_limits_exceeded'];

const proxyOf = (ctx: Ctx): Rec => found(ctx.tenant.proxies, serviceOf(ctx).id);

export const show: Handler = (ctx) => ok({ proxy: wireProxy(proxyOf(ctx)) });

export const wireProxy = (proxy: Rec): Record<string, unknown> => {
  const { id: _id, ...rest } = proxy;
  return rest;
};

export const update: Handler = (ctx) => {
  const proxy = proxyOf(ctx);
  const v = new Validation();
  const fields: Record<string, unknown> = {};
  for (const f of TEXT_FIELDS) fields[f] = str(ctx, f);
  for (const f of STATUS_FIELDS) {
    const raw = str(ctx, f);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 100 || n > 599) v.add(f, 'is not a valid HTTP status');
    else fields[f] = n;
  }
  for (const f of ['endpoint', 'sandbox_endpoint']) {
    const raw = str(ctx, f);
    if (raw === undefined) continue;
    const url = endpointWithPort(raw);
    if (!url) v.add(f, 'is invalid');
    else fields[f] = url;
  }
  const location = fields.credentials_location;
  if (location !== undefined && !['headers', 'query', 'authorization'].includes(String(location))) v.add('credentials_location', 'is not included in the list');
  const issuer = fields.oidc_issuer_type;
  if (issuer !== undefined && !['keycloak', 'rest', ''].includes(String(issuer))) v.add('oidc_issuer_type', 'is not included in the list');
  v.check();
  assign(ctx, proxy, fields);
  proxy.lock_version = (proxy.lock_version as number) + 1;
  return ok({ proxy: wireProxy(proxy) });
};

export const showPolicies: Handler = (ctx) => {
  const chain = found(ctx.tenant.policies, serviceOf(ctx).id);
  return ok({ policies_config: chain.chain });
};

/** The whole chain is replaced; each policy needs a name, a version and an object configuration. */
export const updatePolicies: Handler = (ctx) => {
  const chain = found(ctx.tenant.policies, serviceOf(ctx).id);
  const raw = str(ctx, 'policies_config');
  let parsed: unknown;
  try {
    parsed = raw === undefined ? undefined : JSON.parse(raw);
  } catch {
    throw unprocessable({ policies_config: ['is not valid JSON'] });
  }
  if (!Array.isArray(parsed)) throw unprocessable({ policies_config: ['must be an array of policies'] });
  const problems: string[] = [];
  const policies = parsed.map((p: unknown, i) => {
    const o = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || !o.name) problems.push(`policy ${i}: name can't be blank`);
    if (typeof o.version !== 'string' || !o.version) problems.push(`policy ${i}: version can't be blank`);
    const configuration = o.configuration ?? {};
    if (typeof configuration !== 'object' || configuration === null || Array.isArray(configuration)) problems.push(`policy ${i}: configuration must be an object`);
    return { name: o.name, version: o.version, configuration, enabled: o.enabled === undefined ? true : o.enabled === true || o.enabled === 'true' };
  });
  if (problems.length) throw unprocessable({ policies_config: problems });
  chain.chain = policies;
  assign(ctx, found(ctx.tenant.proxies, chain.id), {});
  return ok({ policies_config: policies });
};

const OIDC_FLOWS = ['standard_flow_enabled', 'implicit_flow_enabled', 'service_accounts_enabled', 'direct_access_grants_enabled'];

const wireOidc = (row: Rec): Record<string, unknown> => ({
  oidc_configuration: { id: row._oidcId, ...Object.fromEntries(OIDC_FLOWS.map((f) => [f, row[f]])) },
});

export const showOidc: Handler = (ctx) => ok(wireOidc(found(ctx.tenant.oidc, serviceOf(ctx).id)));

export const updateOidc: Handler = (ctx) => {
  const row = found(ctx.tenant.oidc, serviceOf(ctx).id);
  for (const f of OIDC_FLOWS) {
    const value = bool(ctx, f);
    if (value !== undefined) row[f] = value;
  }
  return ok(wireOidc(row));
};
