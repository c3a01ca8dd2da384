/**
 * Application plans of a product, with their limits and pricing rules. A limit or pricing rule may point
 * at a metric of the product or of a backend the product uses.
 */
import { Validation, unprocessable } from './errors.ts';
import { assign, bool, created, found, int, many, num, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { checkSystemName, defaultSystemName } from './naming.ts';
import type { Rec } from './table.ts';

const PERIODS = ['eternity', 'year', 'month', 'week', 'day', 'hour', 'minute'];

const serviceOf = (ctx: Ctx): Rec => found(ctx.tenant.services, pathId(ctx, 'service_id'));

const planOfService = (ctx: Ctx, service: Rec): Rec => found(ctx.tenant.plans, pathId(ctx, 'id'), (p) => p.service_id === service.id);

/** Plan fields of a create or update; `state_event` publishes or hides. */
function planFields(ctx: Ctx, v: Validation): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    name: str(ctx, 'name'),
    approval_required: bool(ctx, 'approval_required'),
    trial_period_days: int(ctx, 'trial_period_days'),
    setup_fee: num(ctx, 'setup_fee'),
    cost_per_month: num(ctx, 'cost_per_month'),
  };
  for (const f of ['trial_period_days', 'setup_fee', 'cost_per_month']) {
    if (str(ctx, f) !== undefined && str(ctx, f) !== '' && (fields[f] === undefined || (fields[f] as number) < 0)) v.add(f, 'must be greater than or equal to 0');
  }
  if (fields.name !== undefined && !String(fields.name).trim()) v.add('name', "can't be blank");
  const event = str(ctx, 'state_event');
  if (event !== undefined) {
    if (event === 'publish') fields.state = 'published';
    else if (event === 'hide') fields.state = 'hidden';
    else v.add('state_event', 'is invalid');
  }
  return fields;
}

export const list: Handler = (ctx) => {
  const service = serviceOf(ctx);
  return ok(many(ctx, 'plans', 'application_plan', ctx.tenant.plans.filter((p) => p.service_id === service.id)));
};

export const listAll: Handler = (ctx) => ok(many(ctx, 'plans', 'application_plan', ctx.tenant.plans.values()));

export const show: Handler = (ctx) => ok(one('application_plan', planOfService(ctx, serviceOf(ctx))));

export const create: Handler = (ctx) => {
  const { tenant } = ctx;
  const service = serviceOf(ctx);
  const v = new Validation();
  const fields = planFields(ctx, v);
  const name = String(fields.name ?? '');
  if (!name.trim()) v.add('name', "can't be blank");
  const systemName = str(ctx, 'system_name') || defaultSystemName(name);
  // system_name is unique among the plans of the product (the plan's issuer)
  checkSystemName(v, systemName, !!tenant.plans.find((p) => p.service_id === service.id && p.system_name === systemName));
  v.check();
  const id = ctx.world.nextId();
  const plan: Rec = {
    id,
    name,
    system_name: systemName,
    state: 'hidden',
    setup_fee: 0,
    cost_per_month: 0,
    trial_period_days: 0,
    cancellation_period: 0,
    approval_required: false,
    default: false,
    custom: false,
    service_id: service.id,
    ...stamp(ctx),
    links: [{ rel: 'service', href: href(ctx, `/admin/api/services/${service.id}`) }, { rel: 'self', href: href(ctx, `/admin/api/services/${service.id}/application_plans/${id}`) }],
  };
  for (const [k, value] of Object.entries(fields)) if (value !== undefined) plan[k] = value;
  tenant.plans.add(plan);
  return created(one('application_plan', plan));
};

export const update: Handler = (ctx) => {
  const plan = planOfService(ctx, serviceOf(ctx));
  const v = new Validation();
  const fields = planFields(ctx, v);
  v.check();
  assign(ctx, plan, fields);
  return ok(one('application_plan', plan));
};

export const destroy: Handler = (ctx) => {
  const { tenant } = ctx;
  const plan = planOfService(ctx, serviceOf(ctx));
  if (tenant.applications.find((a) => a.plan_id === plan.id)) {
    throw unprocessable({ base: ['This plan has applications and cannot be deleted'] });
  }
  tenant.plans.delete(plan.id);
  tenant.limits.deleteWhere((l) => l.plan_id === plan.id);
  tenant.pricingRules.deleteWhere((r) => r.plan_id === plan.id);
  return ok(undefined);
};

// Limits and pricing rules

const planById = (ctx: Ctx): Rec => found(ctx.tenant.plans, pathId(ctx, 'application_plan_id'));

/** The metric of the path, which must belong to the plan's product or to a backend the product uses. */
function metricForPlan(ctx: Ctx, plan: Rec): Rec {
  const { tenant } = ctx;
  const backends = new Set(tenant.backendUsages.filter((u) => u.service_id === plan.service_id).map((u) => u.backend_id));
  return found(tenant.metrics, pathId(ctx, 'metric_id'), (m) => m._service === plan.service_id || backends.has(m._backend as number));
}

export const listPlanLimits: Handler = (ctx) => {
  const plan = planById(ctx);
  return ok(many(ctx, 'limits', 'limit', ctx.tenant.limits.filter((l) => l.plan_id === plan.id), true));
};

export const listMetricLimits: Handler = (ctx) => {
  const plan = planById(ctx);
  const metric = metricForPlan(ctx, plan);
  return ok(many(ctx, 'limits', 'limit', ctx.tenant.limits.filter((l) => l.plan_id === plan.id && l.metric_id === metric.id)));
};

const limitOf = (ctx: Ctx): Rec => {
  const plan = planById(ctx);
  const metric = metricForPlan(ctx, plan);
  return found(ctx.tenant.limits, pathId(ctx, 'id'), (l) => l.plan_id === plan.id && l.metric_id === metric.id);
};

function limitFields(ctx: Ctx, plan: Rec, metric: Rec, selfId?: number): { period?: string; value?: number } {
  const v = new Validation();
  const period = str(ctx, 'period');
  const value = int(ctx, 'value');
  if (period !== undefined && !PERIODS.includes(period)) v.add('period', 'is not included in the list');
  if (value !== undefined && value < 0) v.add('value', 'must be greater than or equal to 0');
  if (period && ctx.tenant.limits.find((l) => l.plan_id === plan.id && l.metric_id === metric.id && l.period === period && l.id !== selfId)) {
    v.add('period', 'has already been taken');
  }
  v.check();
  return { period, value };
}

export const createLimit: Handler = (ctx) => {
  const plan = planById(ctx);
  const metric = metricForPlan(ctx, plan);
  const { period, value } = limitFields(ctx, plan, metric);
  const v = new Validation();
  if (!period) v.add('period', "can't be blank");
  if (value === undefined) v.add('value', "can't be blank");
  v.check();
  const id = ctx.world.nextId();
  const limit = ctx.tenant.limits.add({
    id,
    period,
    value,
    metric_id: metric.id,
    plan_id: plan.id,
    ...stamp(ctx),
    links: [{ rel: 'self', href: href(ctx, `/admin/api/application_plans/${plan.id}/metrics/${metric.id}/limits/${id}`) }],
  });
  return created(one('limit', limit));
};

export const showLimit: Handler = (ctx) => ok(one('limit', limitOf(ctx)));

export const updateLimit: Handler = (ctx) => {
  const limit = limitOf(ctx);
  const plan = planById(ctx);
  assign(ctx, limit, limitFields(ctx, plan, metricForPlan(ctx, plan), limit.id));
  return ok(one('limit', limit));
};

export const destroyLimit: Handler = (ctx) => {
  ctx.tenant.limits.delete(limitOf(ctx).id);
  return ok(undefined);
};

export const listPlanPricingRules: Handler = (ctx) => {
  const plan = planById(ctx);
  return ok(many(ctx, 'pricing_rules', 'pricing_rule', ctx.tenant.pricingRules.filter((r) => r.plan_id === plan.id)));
};

export const listMetricPricingRules: Handler = (ctx) => {
  const plan = planById(ctx);
  const metric = metricForPlan(ctx, plan);
  return ok(many(ctx, 'pricing_rules', 'pricing_rule', ctx.tenant.pricingRules.filter((r) => r.plan_id === plan.id && r.metric_id === metric.id)));
};

/** Ranges `min..max` (max empty = infinity) may not overlap per metric and plan; `min` ≤ `max`. */
export const createPricingRule: Handler = (ctx) => {
  const plan = planById(ctx);
  const metric = metricForPlan(ctx, plan);
  const min = int(ctx, 'min') ?? 1;
  const max = int(ctx, 'max') ?? null;
  const cost = num(ctx, 'cost_per_unit') ?? 0;
  const v = new Validation();
  if (min < 1) v.add('min', 'must be greater than 0');
  if (max !== null && max < min) v.add('max', 'must be greater than min');
  if (cost < 0) v.add('cost_per_unit', 'must be greater than or equal to 0');
  const upper = (m: number | null) => m ?? Number.POSITIVE_INFINITY;
  const overlaps = ctx.tenant.pricingRules.find(
    (r) => r.plan_id === plan.id && r.metric_id === metric.id && (r.min as number) <= upper(max) && min <= upper(r.max as number | null),
  );
  if (overlaps) v.add('min', 'overlaps with another pricing rule');
  v.check();
  const id = ctx.world.nextId();
  const rule = ctx.tenant.pricingRules.add({
    id,
    metric_id: metric.id,
    cost_per_unit: cost.toFixed(4),
    min,
    max,
    plan_id: plan.id,
    ...stamp(ctx),
    links: [{ rel: 'self', href: href(ctx, `/admin/api/application_plans/${plan.id}/metrics/${metric.id}/pricing_rules/${id}`) }],
  });
  return created(one('pricing_rule', rule));
};

export const destroyPricingRule: Handler = (ctx) => {
  const plan = planById(ctx);
  const metric = metricForPlan(ctx, plan);
  const rule = found(ctx.tenant.pricingRules, pathId(ctx, 'id'), (r) => r.plan_id === plan.id && r.metric_id === metric.id);
  ctx.tenant.pricingRules.delete(rule.id);
  return ok(undefined);
};
