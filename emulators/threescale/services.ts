/** Products (`/admin/api/services`): CRUD, with the hits metric, proxy and policy chain porta creates. */
import { Validation } from './errors.ts';
import { assign, created, found, many, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { applyAnnotations, givenAnnotations } from './annotations.ts';
import { checkSystemName, defaultSystemName } from './naming.ts';
import { createHits } from './metrics.ts';
import { defaultProxy } from './proxy.ts';
import type { Rec } from './table.ts';

const DEPLOYMENT_OPTIONS = ['hosted', 'self_managed', 'service_mesh_istio', 'plugin_rest', 'plugin_ruby', 'plugin_java'];
const BACKEND_VERSIONS = ['1', '2', 'oidc'];

export const DEFAULT_POLICY_CHAIN = [{ name: 'apicast', version: 'builtin', configuration: {}, enabled: true }];

function validateService(ctx: Ctx, v: Validation, service: Rec): void {
  if (!String(service.name ?? '').trim()) v.add('name', "can't be blank");
  if (!DEPLOYMENT_OPTIONS.includes(String(service.deployment_option))) v.add('deployment_option', 'is not included in the list');
  if (!BACKEND_VERSIONS.includes(String(service.backend_version))) v.add('backend_version', 'is not included in the list');
  void ctx;
}

export const list: Handler = (ctx) => ok(many(ctx, 'services', 'service', ctx.tenant.services.values(), true));

export const show: Handler = (ctx) => ok(one('service', found(ctx.tenant.services, pathId(ctx, 'id'))));

export const create: Handler = (ctx) => {
  const { tenant, world } = ctx;
  const name = str(ctx, 'name') ?? '';
  const systemName = str(ctx, 'system_name') || defaultSystemName(name);
  const id = world.nextId();
  const service: Rec = {
    id,
    account_id: tenant.account.id,
    name,
    state: 'incomplete',
    system_name: systemName,
    backend_version: str(ctx, 'backend_version') ?? '1',
    deployment_option: str(ctx, 'deployment_option') ?? 'hosted',
    support_email: tenant.account.support_email ?? null,
    description: str(ctx, 'description') ?? null,
    intentions_required: false,
    buyers_manage_apps: true,
    buyers_manage_keys: true,
    referrer_filters_required: false,
    custom_keys_enabled: true,
    buyer_key_regenerate_enabled: true,
    mandatory_app_key: true,
    buyer_can_select_plan: false,
    buyer_plan_change_permission: 'request',
    ...stamp(ctx),
    links: [{ rel: 'metrics', href: href(ctx, `/admin/api/services/${id}/metrics`) }, { rel: 'self', href: href(ctx, `/admin/api/services/${id}`) }],
  };
  const v = new Validation();
  applyAnnotations(service, givenAnnotations(ctx, v));
  validateService(ctx, v, service);
  checkSystemName(v, systemName, !!tenant.services.find((s) => s.system_name === systemName));
  v.check();
  tenant.services.add(service);
  createHits(ctx, { _service: id });
  tenant.proxies.add(defaultProxy(ctx, service));
  tenant.policies.add({ id, chain: structuredClone(DEFAULT_POLICY_CHAIN) });
  tenant.oidc.add({ id, _oidcId: world.nextId(), standard_flow_enabled: true, implicit_flow_enabled: false, service_accounts_enabled: false, direct_access_grants_enabled: false });
  return created(one('service', service));
};

export const update: Handler = (ctx) => {
  const service = found(ctx.tenant.services, pathId(ctx, 'id'));
  const next: Rec = { ...service };
  for (const f of ['name', 'description', 'deployment_option', 'backend_version', 'support_email']) {
    const value = str(ctx, f);
    if (value !== undefined) next[f] = value;
  }
  const v = new Validation();
  const annotations = givenAnnotations(ctx, v);
  validateService(ctx, v, next);
  v.check(); // system_name is not updatable once set (porta ignores it)
  assign(ctx, service, next);
  applyAnnotations(service, annotations);
  return ok(one('service', service));
};

/** porta deletes asynchronously (DeleteObjectHierarchyWorker); here everything goes at once. */
export const destroy: Handler = (ctx) => {
  const { tenant } = ctx;
  const service = found(tenant.services, pathId(ctx, 'id'));
  const id = service.id;
  tenant.services.delete(id);
  tenant.metrics.deleteWhere((m) => m._service === id);
  tenant.mappingRules.deleteWhere((r) => r._service === id);
  tenant.backendUsages.deleteWhere((u) => u.service_id === id);
  tenant.proxies.delete(id);
  tenant.policies.delete(id);
  tenant.oidc.delete(id);
  tenant.proxyConfigs.deleteWhere((c) => c._service === id);
  const plans = new Set(tenant.plans.filter((p) => p.service_id === id).map((p) => p.id));
  tenant.plans.deleteWhere((p) => plans.has(p.id));
  tenant.limits.deleteWhere((l) => plans.has(l.plan_id as number));
  tenant.pricingRules.deleteWhere((r) => plans.has(r.plan_id as number));
  tenant.applications.deleteWhere((a) => a.service_id === id);
  return ok(undefined);
};
