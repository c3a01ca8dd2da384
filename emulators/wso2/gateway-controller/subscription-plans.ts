/**
 * `/subscription-plans` (`subscription_plan_handler.go`): JSON bodies, gateway-issued UUIDs, plan names
 * unique per gateway (409), `stopOnQuotaReach` true unless said otherwise, throttle count and unit given
 * together. A plan still used by a subscription cannot be deleted (the database's foreign key: 500).
 */
import { randomUUID } from 'node:crypto';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, conflict, internal, notFound } from './errors.ts';
import { asObject, BodyParseError } from './request-body.ts';
import { now, type Json, type StoredPlan } from './store.ts';
import { num, optionalText } from './validation/fields.ts';

function planBody(p: StoredPlan, gatewayId: string): Json {
  return {
    id: p.id,
    planName: p.planName,
    gatewayId,
    stopOnQuotaReach: p.stopOnQuotaReach,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    ...(p.billingPlan ? { billingPlan: p.billingPlan } : {}),
    ...(p.throttleLimitCount !== undefined ? { throttleLimitCount: p.throttleLimitCount } : {}),
    ...(p.throttleLimitUnit ? { throttleLimitUnit: p.throttleLimitUnit } : {}),
    ...(p.expiryTime ? { expiryTime: p.expiryTime } : {}),
    status: p.status,
  };
}

function bodyOf(ctx: HandlerContext): Json {
  const raw = ctx.read('binder');
  if (raw instanceof BodyParseError) throw badRequest('Invalid request body');
  return asObject(raw);
}

function checkThrottle(request: Json): void {
  const count = request.throttleLimitCount;
  const unit = optionalText(request.throttleLimitUnit);
  if ((count !== undefined && count !== null) !== (unit !== undefined && unit !== '')) throw badRequest('throttleLimitCount and throttleLimitUnit must be provided together');
  if (count === undefined || count === null) return;
  if ((num(count) ?? 0) <= 0) throw badRequest('throttleLimitCount must be positive');
  if (!['Day', 'Hour', 'Min', 'Month'].includes(unit!)) throw badRequest('throttleLimitUnit must be one of: Day, Hour, Min, Month');
}

function statusOf(request: Json): StoredPlan['status'] | undefined {
  if (request.status === undefined || request.status === null) return undefined;
  if (request.status === 'ACTIVE' || request.status === 'INACTIVE') return request.status;
  throw badRequest(`invalid status: ${String(request.status)}`);
}

function checkCreate(ctx: HandlerContext): Json {
  const request = bodyOf(ctx);
  if ((optionalText(request.planName) ?? '').trim() === '') throw badRequest('planName is required');
  checkThrottle(request);
  statusOf(request);
  return request;
}

const missing = () => notFound('Subscription plan not found');

function checkUpdate(ctx: HandlerContext): { plan: StoredPlan; request: Json } {
  const plan = ctx.store.plans.get(ctx.params.planId!);
  if (!plan) throw missing();
  const request = bodyOf(ctx);
  checkThrottle(request);
  if (typeof request.planName === 'string' && request.planName.trim() === '') throw badRequest('planName cannot be empty');
  statusOf(request);
  return { plan, request };
}

/** The request's optional fields over a plan. */
function merged(plan: StoredPlan, request: Json): StoredPlan {
  const next = { ...plan };
  if (typeof request.planName === 'string') next.planName = request.planName.trim();
  if (typeof request.billingPlan === 'string') next.billingPlan = request.billingPlan;
  if (typeof request.stopOnQuotaReach === 'boolean') next.stopOnQuotaReach = request.stopOnQuotaReach;
  if (num(request.throttleLimitCount) !== undefined && optionalText(request.throttleLimitUnit)) {
    next.throttleLimitCount = num(request.throttleLimitCount);
    next.throttleLimitUnit = optionalText(request.throttleLimitUnit);
  }
  if (typeof request.expiryTime === 'string') next.expiryTime = new Date(request.expiryTime).toISOString();
  next.status = statusOf(request) ?? next.status;
  return next;
}

const nameTaken = (ctx: HandlerContext, name: string, except?: string): boolean =>
  [...ctx.store.plans.values()].some((p) => p.planName === name && p.id !== except);

export const subscriptionPlanOperations: Record<string, Operation> = {
  createSubscriptionPlan: {
    validate: (ctx) => void checkCreate(ctx),
    run(ctx) {
      const request = checkCreate(ctx);
      const at = now();
      const plan = merged({ id: randomUUID(), planName: '', stopOnQuotaReach: true, status: 'ACTIVE', createdAt: at, updatedAt: at }, request);
      if (nameTaken(ctx, plan.planName)) throw conflict('Subscription plan already exists');
      ctx.store.plans.set(plan.id, plan);
      return created(planBody(plan, ctx.settings.gatewayId));
    },
  },
  listSubscriptionPlans: {
    run(ctx) {
      const items = [...ctx.store.plans.values()].map((p) => planBody(p, ctx.settings.gatewayId));
      return ok({ subscriptionPlans: items, count: items.length });
    },
  },
  getSubscriptionPlan: {
    run(ctx) {
      const plan = ctx.store.plans.get(ctx.params.planId!);
      if (!plan) throw missing();
      return ok(planBody(plan, ctx.settings.gatewayId));
    },
  },
  updateSubscriptionPlan: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const { plan, request } = checkUpdate(ctx);
      const next = { ...merged(plan, request), updatedAt: now() };
      if (nameTaken(ctx, next.planName, plan.id)) throw internal('Failed to update subscription plan');
      ctx.store.plans.set(plan.id, next);
      return ok(planBody(next, ctx.settings.gatewayId));
    },
  },
  deleteSubscriptionPlan: {
    run(ctx) {
      const id = ctx.params.planId!;
      if (!ctx.store.plans.has(id)) throw missing();
      if ([...ctx.store.subscriptions.values()].some((s) => s.subscriptionPlanId === id)) throw internal('Failed to delete subscription plan');
      ctx.store.plans.delete(id);
      return { status: 204 };
    },
  },
};
