import { invalidSpec } from '../../../shared/engine/errors.ts';
import type { AdminApi, Form } from '../admin-api.ts';
import type { MetricRefSpec, PlanSpec } from './schema.ts';

type Json = Record<string, any>;

/** An application plan as 3scale holds it, with its limits and pricing rules. */
export interface RemotePlan {
  plan: Json;
  limits: Json[];
  pricingRules: Json[];
}

/** Resolves a limit's or pricing rule's metric reference (product metric, or a used backend's) to its 3scale id. */
export type MetricIdOf = (ref: MetricRefSpec) => number | undefined;

/** Plans of the product that the spec keeps, each with two reads (limits, pricing rules); the others are only deleted. */
export async function readPlans(api: AdminApi, productId: number, wanted: Record<string, PlanSpec>): Promise<Map<string, RemotePlan>> {
  const plans = await api.list(`/admin/api/services/${productId}/application_plans.json`, 'plans', 'application_plan', false);
  const out = new Map<string, RemotePlan>();
  await Promise.all(
    plans.map(async (plan) => {
      if (!wanted[plan.system_name]) return out.set(plan.system_name, { plan, limits: [], pricingRules: [] });
      const [limits, pricingRules] = await Promise.all([
        api.list(`/admin/api/application_plans/${plan.id}/limits.json`, 'limits', 'limit'),
        api.list(`/admin/api/application_plans/${plan.id}/pricing_rules.json`, 'pricing_rules', 'pricing_rule', false),
      ]);
      out.set(plan.system_name, { plan, limits, pricingRules });
    }),
  );
  return out;
}

/** The plan fields the spec sets; `published` is always managed (the operator's default is hidden). */
function planDrift(want: PlanSpec, have: Json): Form {
  const drift: Form = {};
  const money = (v: unknown) => Number(v ?? 0).toFixed(2);
  if (want.name !== undefined && want.name !== have.name) drift.name = want.name;
  if (want.appsRequireApproval !== undefined && want.appsRequireApproval !== Boolean(have.approval_required)) drift.approval_required = String(want.appsRequireApproval);
  if (want.trialPeriod !== undefined && want.trialPeriod !== Number(have.trial_period_days ?? 0)) drift.trial_period_days = String(want.trialPeriod);
  if (want.setupFee !== undefined && money(want.setupFee) !== money(have.setup_fee)) drift.setup_fee = want.setupFee;
  if (want.costMonth !== undefined && money(want.costMonth) !== money(have.cost_per_month)) drift.cost_per_month = want.costMonth;
  if ((want.published ? 'published' : 'hidden') !== have.state) drift.state_event = want.published ? 'publish' : 'hide';
  return drift;
}

// Limits and pricing rules are never updated, only matched on every field (as the operator keys them).
const limitKey = (period: string, value: number, metricId: number | undefined) => `${period}:${value}:${metricId}`;
const priceKey = (min: number, max: number | null, cost: unknown, metricId: number | undefined) => `${min}:${max}:${Number(cost).toFixed(2)}:${metricId}`;
const wantedLimits = (p: PlanSpec, idOf: MetricIdOf) => new Map((p.limits ?? []).map((l) => [limitKey(l.period, l.value, idOf(l.metricMethodRef)), l]));
const wantedPrices = (p: PlanSpec, idOf: MetricIdOf) => new Map((p.pricingRules ?? []).map((r) => [priceKey(r.from, r.to, r.pricePerUnit, idOf(r.metricMethodRef)), r]));
const haveLimit = (l: Json) => limitKey(l.period, Number(l.value), l.metric_id);
const havePrice = (r: Json) => priceKey(Number(r.min), r.max === null || r.max === undefined ? null : Number(r.max), r.cost_per_unit, r.metric_id);

const sameKeys = (want: Map<string, unknown>, have: string[]) => want.size === have.length && have.every((k) => want.has(k));

export function plansUpToDate(want: Record<string, PlanSpec>, have: Map<string, RemotePlan>, idOf: MetricIdOf): boolean {
  if (Object.keys(want).length !== have.size) return false;
  return Object.entries(want).every(([name, p]) => {
    const r = have.get(name);
    return (
      r !== undefined &&
      Object.keys(planDrift(p, r.plan)).length === 0 &&
      sameKeys(wantedLimits(p, idOf), r.limits.map(haveLimit)) &&
      sameKeys(wantedPrices(p, idOf), r.pricingRules.map(havePrice))
    );
  });
}

/**
 * SyncApplicationPlans: plans the spec dropped are deleted, new ones created (`name = system_name = key` unless
 * named), fields and published state written, limits and pricing rules deleted when they do not match and created
 * when missing (deletions first: porta allows one limit per period and metric, and no overlapping price ranges).
 */
export async function convergePlans(api: AdminApi, productId: number, want: Record<string, PlanSpec>, have: Map<string, RemotePlan>, idOf: MetricIdOf): Promise<void> {
  const base = `/admin/api/services/${productId}/application_plans`;
  for (const [name, r] of have) if (!want[name]) await api.remove(`${base}/${r.plan.id}.json`);
  for (const [name, p] of Object.entries(want)) {
    let r = have.get(name);
    if (!r) r = { plan: await api.create(`${base}.json`, 'application_plan', { system_name: name, name: p.name ?? name }), limits: [], pricingRules: [] };
    const drift = planDrift(p, r.plan);
    if (Object.keys(drift).length) await api.update(`${base}/${r.plan.id}.json`, 'application_plan', drift);
    const plan = `/admin/api/application_plans/${r.plan.id}`;
    const limits = wantedLimits(p, idOf);
    for (const l of r.limits) if (!limits.delete(haveLimit(l))) await api.remove(`${plan}/metrics/${l.metric_id}/limits/${l.id}.json`);
    for (const l of limits.values()) await api.create(`${plan}/metrics/${metricId(idOf, l.metricMethodRef)}/limits.json`, 'limit', { period: l.period, value: String(l.value) });
    const prices = wantedPrices(p, idOf);
    for (const x of r.pricingRules) if (!prices.delete(havePrice(x))) await api.remove(`${plan}/metrics/${x.metric_id}/pricing_rules/${x.id}.json`);
    for (const x of prices.values()) {
      await api.create(`${plan}/metrics/${metricId(idOf, x.metricMethodRef)}/pricing_rules.json`, 'pricing_rule', { min: String(x.from), max: String(x.to), cost_per_unit: x.pricePerUnit });
    }
  }
}

function metricId(idOf: MetricIdOf, ref: MetricRefSpec): number {
  const id = idOf(ref);
  if (id === undefined) throw invalidSpec('Invalid', `metricMethodRef: metric "${ref.systemName}"${ref.backend ? ` of backend "${ref.backend}"` : ''} not found in 3scale`);
  return id;
}
