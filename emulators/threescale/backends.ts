/** Backends (`/admin/api/backend_apis`): CRUD; a backend used by a product cannot be deleted. */
import { ThreescaleError, Validation } from './errors.ts';
import { assign, created, found, many, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { createHits } from './metrics.ts';
import { checkSystemName, defaultSystemName, endpointWithPort } from './naming.ts';
import { applyAnnotations, givenAnnotations } from './annotations.ts';
import type { Rec } from './table.ts';

function checkEndpoint(v: Validation, endpoint: string | undefined): string | undefined {
  if (!endpoint) {
    v.add('private_endpoint', "can't be blank");
    return undefined;
  }
  const normalised = endpointWithPort(endpoint);
  if (!normalised) v.add('private_endpoint', 'Backend URL must be a valid URL (http, https, ws or wss)');
  return normalised;
}

export const list: Handler = (ctx) => ok(many(ctx, 'backend_apis', 'backend_api', ctx.tenant.backends.values(), true));

export const show: Handler = (ctx) => ok(one('backend_api', found(ctx.tenant.backends, pathId(ctx, 'id'))));

export const create: Handler = (ctx) => {
  const { tenant, world } = ctx;
  const name = str(ctx, 'name') ?? '';
  const systemName = str(ctx, 'system_name') || defaultSystemName(name);
  const v = new Validation();
  if (!name.trim()) v.add('name', "can't be blank");
  const endpoint = checkEndpoint(v, str(ctx, 'private_endpoint'));
  checkSystemName(v, systemName, !!tenant.backends.find((b) => b.system_name === systemName));
  const annotations = givenAnnotations(ctx, v);
  v.check();
  const id = world.nextId();
  const backend: Rec = {
    id,
    name,
    system_name: systemName,
    description: str(ctx, 'description') ?? '',
    private_endpoint: endpoint,
    account_id: tenant.account.id,
    ...stamp(ctx),
    links: [{ rel: 'self', href: href(ctx, `/admin/api/backend_apis/${id}`) }],
  };
  applyAnnotations(backend, annotations);
  tenant.backends.add(backend);
  createHits(ctx, { _backend: id });
  return created(one('backend_api', backend));
};

export const update: Handler = (ctx) => {
  const backend = found(ctx.tenant.backends, pathId(ctx, 'id'));
  const v = new Validation();
  const name = str(ctx, 'name');
  if (name !== undefined && !name.trim()) v.add('name', "can't be blank");
  const given = str(ctx, 'private_endpoint');
  const endpoint = given !== undefined ? checkEndpoint(v, given) : undefined;
  const annotations = givenAnnotations(ctx, v);
  v.check();
  assign(ctx, backend, { name, description: str(ctx, 'description'), private_endpoint: endpoint });
  applyAnnotations(backend, annotations);
  return ok(one('backend_api', backend));
};

export const destroy: Handler = (ctx) => {
  const { tenant } = ctx;
  const backend = found(tenant.backends, pathId(ctx, 'id'));
  if (tenant.backendUsages.find((u) => u.backend_id === backend.id)) {
    // `backend_api.rb` validate_destroyed_by_association_or_not_used_by_services
    throw new ThreescaleError(422, { errors: { base: ['cannot be deleted because it is used by at least one Product'] } });
  }
  const metricIds = new Set(tenant.metrics.filter((m) => m._backend === backend.id).map((m) => m.id));
  tenant.backends.delete(backend.id);
  tenant.metrics.deleteWhere((m) => metricIds.has(m.id));
  tenant.mappingRules.deleteWhere((r) => r._backend === backend.id);
  tenant.limits.deleteWhere((l) => metricIds.has(l.metric_id as number));
  tenant.pricingRules.deleteWhere((r) => metricIds.has(r.metric_id as number));
  return ok(undefined);
};
