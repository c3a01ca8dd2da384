/**
 * APIcast configuration versions: `proxy/deploy` snapshots the product into a new staging (`sandbox`)
 * version when it differs from the latest one; `promote` copies a staging version to production.
 * Versions count per environment from 1.
 */
import { ThreescaleError, notFound, unprocessable } from './errors.ts';
import { created, found, many, ok, one, pathId, stamp, str, type Ctx, type Handler } from './handler.ts';
import { wireProxy } from './proxy.ts';
import type { Tenant } from './store.ts';
import type { Rec } from './table.ts';

export type Environment = 'sandbox' | 'production';

const serviceOf = (ctx: Ctx): Rec => found(ctx.tenant.services, pathId(ctx, 'service_id'));

export function configsOf(tenant: Tenant, serviceId: number, environment: Environment): Rec[] {
  return tenant.proxyConfigs.filter((c) => c._service === serviceId && c.environment === environment).sort((a, b) => (a.version as number) - (b.version as number));
}

export const latestConfig = (tenant: Tenant, serviceId: number, environment: Environment): Rec | undefined =>
  configsOf(tenant, serviceId, environment).at(-1);

/** The configuration APIcast would load: the product, its proxy, policy chain and every mapping rule. */
function snapshot(tenant: Tenant, service: Rec): Record<string, unknown> {
  const metricName = (id: unknown): string | undefined => tenant.metrics.get(id as number)?.system_name as string | undefined;
  const rule = (r: Rec, prefix = '') => ({
    id: r.id,
    http_method: r.http_method,
    pattern: prefix && prefix !== '/' ? `${prefix.replace(/\/$/, '')}${r.pattern as string}` : r.pattern,
    metric_id: r.metric_id,
    metric_system_name: metricName(r.metric_id),
    delta: r.delta,
    position: r.position,
    last: r.last,
    owner_id: r.owner_id,
    owner_type: r.owner_type,
  });
  const byPosition = (a: Rec, b: Rec) => (a.position as number) - (b.position as number) || a.id - b.id;
  const usages = tenant.backendUsages.filter((u) => u.service_id === service.id);
  const proxyRules = [
    ...tenant.mappingRules.filter((r) => r._service === service.id).sort(byPosition).map((r) => rule(r)),
    ...usages.flatMap((u) => tenant.mappingRules.filter((r) => r._backend === u.backend_id).sort(byPosition).map((r) => rule(r, u.path as string))),
  ];
  const { created_at: _c, updated_at: _u, links: _l, lock_version: _v, ...proxy } = wireProxy(found(tenant.proxies, service.id));
  return {
    id: service.id,
    account_id: service.account_id,
    name: service.name,
    system_name: service.system_name,
    backend_version: service.backend_version,
    deployment_option: service.deployment_option,
    proxy: { ...proxy, policy_chain: found(tenant.policies, service.id).chain, proxy_rules: proxyRules },
    backend_api_configs: usages.map((u) => {
      const backend = tenant.backends.get(u.backend_id as number);
      return { backend_api_id: u.backend_id, path: u.path, backend_api: backend && { id: backend.id, system_name: backend.system_name, private_endpoint: backend.private_endpoint } };
    }),
  };
}

function addConfig(ctx: Ctx, service: Rec, environment: Environment, content: unknown): Rec {
  const version = ((latestConfig(ctx.tenant, service.id, environment)?.version as number | undefined) ?? 0) + 1;
  return ctx.tenant.proxyConfigs.add({ id: ctx.world.nextId(), version, environment, content, ...stamp(ctx), _service: service.id });
}

const sameContent = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Deploy to staging: a new sandbox version only when the configuration changed (201 either way). */
export const deploy: Handler = (ctx) => {
  const service = serviceOf(ctx);
  const content = snapshot(ctx.tenant, service);
  const latest = latestConfig(ctx.tenant, service.id, 'sandbox');
  if (!latest || !sameContent(latest.content, content)) addConfig(ctx, service, 'sandbox', content);
  return created({ proxy: wireProxy(found(ctx.tenant.proxies, service.id)) });
};

const environmentOf = (ctx: Ctx): Environment => ctx.path.environment as Environment;

export const list: Handler = (ctx) =>
  ok(many(ctx, 'proxy_configs', 'proxy_config', configsOf(ctx.tenant, serviceOf(ctx).id, environmentOf(ctx))));

/** 404 `{"status":"Not found"}` for an environment without configuration (the operator matches it). */
export const latest: Handler = (ctx) => {
  const config = latestConfig(ctx.tenant, serviceOf(ctx).id, environmentOf(ctx));
  if (!config) throw notFound();
  return ok(one('proxy_config', config));
};

export const show: Handler = (ctx) => {
  const version = pathId(ctx, 'version');
  const config = configsOf(ctx.tenant, serviceOf(ctx).id, environmentOf(ctx)).find((c) => c.version === version);
  if (!config) throw notFound();
  return ok(one('proxy_config', config));
};

/** Promote a version to the other environment; refused when it would not change that environment. */
export const promote: Handler = (ctx) => {
  const service = serviceOf(ctx);
  const from = environmentOf(ctx);
  const to = str(ctx, 'to') as Environment | undefined;
  const version = pathId(ctx, 'version');
  const config = configsOf(ctx.tenant, service.id, from).find((c) => c.version === version);
  if (!config) throw notFound();
  if (to === from) throw unprocessable({ environment: [`can't promote to the same environment (${from})`] });
  const current = latestConfig(ctx.tenant, service.id, to!);
  if (current && sameContent(current.content, config.content)) {
    throw new ThreescaleError(422, { errors: { environment: ['is already up to date with this version'] } });
  }
  const promoted = addConfig(ctx, service, to!, structuredClone(config.content));
  return created(one('proxy_config', promoted));
};

/** True when the latest production configuration routes traffic to this metric or method. */
export function metricInLatestProductionConfig(tenant: Tenant, serviceId: number, systemName: string): boolean {
  const content = latestConfig(tenant, serviceId, 'production')?.content as { proxy?: { proxy_rules?: { metric_system_name?: string }[] } } | undefined;
  return !!content?.proxy?.proxy_rules?.some((r) => r.metric_system_name === systemName);
}
