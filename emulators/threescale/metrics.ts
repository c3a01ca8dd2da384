/**
 * Metrics and methods of products and backends. A method is a child of the `hits` metric (`parent_id`).
 * Backend metric system names get a `.<backendId>` suffix (`hits.45498`), as porta stores them.
 */
import { ThreescaleError, Validation, notFound } from './errors.ts';
import { assign, created, found, many, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { checkSystemName, defaultSystemName } from './naming.ts';
import { ownerOf, ownerPath, owns, type Owner } from './owners.ts';
import { metricInLatestProductionConfig } from './proxy-configs.ts';
import type { Rec } from './table.ts';

type OwnerKey = { _service: number } | { _backend: number };

/** The `hits` metric porta creates with every product and backend. */
export function createHits(ctx: Ctx, owner: OwnerKey): Rec {
  const id = ctx.world.nextId();
  const systemName = '_backend' in owner ? `hits.${owner._backend}` : 'hits';
  return ctx.tenant.metrics.add({
    id,
    name: systemName,
    system_name: systemName,
    friendly_name: 'Hits',
    description: 'Number of API hits',
    unit: 'hit',
    ...stamp(ctx),
    ...owner,
  });
}

const storedSystemName = (owner: Owner, systemName: string): string =>
  owner.kind === 'backend' ? `${systemName}.${owner.id}` : systemName;

function hitsOf(ctx: Ctx, owner: Owner): Rec {
  const hits = found(ctx.tenant.metrics, pathId(ctx, 'metric_id'), owns(owner));
  if (hits.parent_id !== undefined) throw notFound();
  return hits;
}

function createMetricOrMethod(ctx: Ctx, owner: Owner, parent: Rec | undefined): Rec {
  const { tenant, world } = ctx;
  const friendly = str(ctx, 'friendly_name') ?? '';
  const systemName = storedSystemName(owner, str(ctx, 'system_name') || defaultSystemName(str(ctx, 'name') || friendly));
  const siblings = tenant.metrics.filter(owns(owner));
  const v = new Validation();
  if (!friendly.trim()) v.add('friendly_name', "can't be blank");
  else if (siblings.some((m) => m.friendly_name === friendly)) v.add('friendly_name', 'has already been taken');
  if (!parent && !str(ctx, 'unit')) v.add('unit', "can't be blank");
  checkSystemName(v, systemName, siblings.some((m) => m.system_name === systemName));
  v.check();
  const id = world.nextId();
  const base = `${ownerPath(owner)}/metrics/${parent ? `${parent.id}/methods/` : ''}${id}`;
  const row: Rec = {
    id,
    name: systemName,
    system_name: systemName,
    friendly_name: friendly,
    description: str(ctx, 'description') ?? null,
    ...(parent ? { parent_id: parent.id } : { unit: str(ctx, 'unit') }),
    ...stamp(ctx),
    links: [{ rel: 'self', href: href(ctx, base) }],
    [owner.key]: owner.id,
  };
  return tenant.metrics.add(row);
}

function updateMetricOrMethod(ctx: Ctx, owner: Owner, row: Rec): void {
  const friendly = str(ctx, 'friendly_name');
  if (friendly !== undefined) {
    const v = new Validation();
    if (!friendly.trim()) v.add('friendly_name', "can't be blank");
    else if (ctx.tenant.metrics.find((m) => owns(owner)(m) && m.id !== row.id && m.friendly_name === friendly)) v.add('friendly_name', 'has already been taken');
    v.check();
  }
  assign(ctx, row, { friendly_name: friendly, description: str(ctx, 'description'), ...(row.parent_id === undefined ? { unit: str(ctx, 'unit') } : {}) });
}

/** Deletes a metric or method with its methods, limits, pricing rules and mapping rules. */
function deleteMetric(ctx: Ctx, owner: Owner, row: Rec): void {
  const { tenant } = ctx;
  if (owner.kind === 'service' && metricInLatestProductionConfig(tenant, owner.id, String(row.system_name))) {
    const type = row.parent_id === undefined ? 'Metric' : 'Method';
    throw new ThreescaleError(422, { errors: { base: [`${type} is used by the latest gateway configuration and cannot be deleted`] } });
  }
  const ids = new Set([row.id, ...tenant.metrics.filter((m) => m.parent_id === row.id).map((m) => m.id)]);
  tenant.metrics.deleteWhere((m) => ids.has(m.id));
  tenant.limits.deleteWhere((l) => ids.has(l.metric_id as number));
  tenant.pricingRules.deleteWhere((r) => ids.has(r.metric_id as number));
  tenant.mappingRules.deleteWhere((r) => ids.has(r.metric_id as number));
}

// Product metrics and methods are not paginated; backend ones are (`filters/pagination.rb`).
const paged = (owner: Owner): boolean => owner.kind === 'backend';

export const listMetrics: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  return ok(many(ctx, 'metrics', 'metric', ctx.tenant.metrics.filter(owns(owner)), paged(owner)));
};

export const showMetric: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  return ok(one('metric', found(ctx.tenant.metrics, pathId(ctx, 'id'), (m) => owns(owner)(m) && m.parent_id === undefined)));
};

export const createMetric: Handler = (ctx) => created(one('metric', createMetricOrMethod(ctx, ownerOf(ctx), undefined)));

export const updateMetric: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  const row = found(ctx.tenant.metrics, pathId(ctx, 'id'), (m) => owns(owner)(m) && m.parent_id === undefined);
  updateMetricOrMethod(ctx, owner, row);
  return ok(one('metric', row));
};

export const deleteMetricHandler: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  deleteMetric(ctx, owner, found(ctx.tenant.metrics, pathId(ctx, 'id'), (m) => owns(owner)(m) && m.parent_id === undefined));
  return ok(undefined);
};

export const listMethods: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  const hits = hitsOf(ctx, owner);
  return ok(many(ctx, 'methods', 'method', ctx.tenant.metrics.filter((m) => m.parent_id === hits.id), paged(owner)));
};

const methodOf = (ctx: Ctx, owner: Owner): Rec => {
  const hits = hitsOf(ctx, owner);
  return found(ctx.tenant.metrics, pathId(ctx, 'id'), (m) => m.parent_id === hits.id);
};

export const showMethod: Handler = (ctx) => ok(one('method', methodOf(ctx, ownerOf(ctx))));

export const createMethod: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  return created(one('method', createMetricOrMethod(ctx, owner, hitsOf(ctx, owner))));
};

export const updateMethod: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  const row = methodOf(ctx, owner);
  updateMetricOrMethod(ctx, owner, row);
  return ok(one('method', row));
};

export const deleteMethod: Handler = (ctx) => {
  const owner = ownerOf(ctx);
  deleteMetric(ctx, owner, methodOf(ctx, owner));
  return ok(undefined);
};
