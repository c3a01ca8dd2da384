/**
 * `/subscriptions` (`subscription_handler.go`). `apiId` names a RestApi by its gateway UUID or its
 * handle; answers carry the UUID. A plan, when named, must exist, be ACTIVE and — when the API lists
 * `subscriptionPlans` — be one of them. One subscription per API and token (409). The token is kept as
 * its hash and answered only by the creation.
 */
import { randomUUID } from 'node:crypto';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { hashToken } from './ids.ts';
import { asObject, BodyParseError } from './request-body.ts';
import { now, type Json, type StoredSubscription } from './store.ts';
import { list, optionalText, text } from './validation/fields.ts';

const STATUSES = ['ACTIVE', 'INACTIVE', 'REVOKED'];

function subscriptionBody(s: StoredSubscription, gatewayId: string, token?: string): Json {
  return {
    id: s.id,
    apiId: s.apiId,
    gatewayId,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.applicationId !== undefined ? { applicationId: s.applicationId } : {}),
    ...(s.subscriptionPlanId !== undefined ? { subscriptionPlanId: s.subscriptionPlanId } : {}),
    ...(s.billingCustomerId !== undefined ? { billingCustomerId: s.billingCustomerId } : {}),
    ...(s.billingSubscriptionId !== undefined ? { billingSubscriptionId: s.billingSubscriptionId } : {}),
    status: s.status,
    ...(token ? { subscriptionToken: token } : {}),
  };
}

/** A RestApi's UUID from its UUID or handle; the gateway's 400/404 otherwise. */
function resolveApiId(ctx: HandlerContext, idOrHandle: string): string {
  const byId = ctx.store.artifacts.get(idOrHandle);
  if (byId) {
    if (byId.kind !== 'RestApi') throw badRequest(`Configuration with identifier '${idOrHandle}' is not a REST API`);
    return byId.uuid;
  }
  const byHandle = ctx.store.artifactByHandle('RestApi', idOrHandle);
  if (!byHandle) throw notFound(`RestAPI with identifier '${idOrHandle}' not found`);
  return byHandle.uuid;
}

function bodyOf(ctx: HandlerContext): Json {
  const raw = ctx.read('binder');
  if (raw instanceof BodyParseError) throw badRequest('Invalid request body');
  return asObject(raw);
}

function statusOf(request: Json): StoredSubscription['status'] | undefined {
  if (request.status === undefined || request.status === null) return undefined;
  if (STATUSES.includes(String(request.status))) return request.status as StoredSubscription['status'];
  throw badRequest(`invalid status: ${String(request.status)}`);
}

function checkCreate(ctx: HandlerContext): { request: Json; apiId: string } {
  const request = bodyOf(ctx);
  if (text(request.apiId).trim() === '') throw badRequest('apiId is required');
  if (text(request.subscriptionToken).trim() === '') throw badRequest('subscriptionToken is required');
  const apiId = resolveApiId(ctx, text(request.apiId));
  const planId = optionalText(request.subscriptionPlanId);
  if (planId) {
    const plan = ctx.store.plans.get(planId);
    if (!plan) throw badRequest('Subscription plan not found or not enabled');
    if (plan.status !== 'ACTIVE') throw badRequest('Subscription plan is not active');
    const enabled = (list(ctx.store.artifacts.get(apiId)!.resource.spec.subscriptionPlans) ?? []).map((n) => String(n).toLowerCase());
    if (enabled.length > 0 && !enabled.includes(plan.planName.toLowerCase())) {
      throw badRequest(`Subscription plan ${JSON.stringify(plan.planName)} is not enabled for this API`);
    }
  }
  statusOf(request);
  return { request, apiId };
}

const missing = () => notFound('Subscription not found');

function checkUpdate(ctx: HandlerContext): { subscription: StoredSubscription; request: Json } {
  const subscription = ctx.store.subscriptions.get(ctx.params.subscriptionId!);
  if (!subscription) throw missing();
  const request = bodyOf(ctx);
  statusOf(request);
  return { subscription, request };
}

export const subscriptionOperations: Record<string, Operation> = {
  createSubscription: {
    validate: (ctx) => void checkCreate(ctx),
    run(ctx) {
      const { request, apiId } = checkCreate(ctx);
      const token = text(request.subscriptionToken).trim();
      const tokenHash = hashToken(token);
      if ([...ctx.store.subscriptions.values()].some((s) => s.apiId === apiId && s.tokenHash === tokenHash)) {
        throw conflict('Application already subscribed to this API');
      }
      const at = now();
      const optional = (key: string) => optionalText(request[key]);
      const subscription: StoredSubscription = {
        id: randomUUID(),
        apiId,
        tokenHash,
        status: statusOf(request) ?? 'ACTIVE',
        createdAt: at,
        updatedAt: at,
        ...(optional('applicationId') ? { applicationId: optional('applicationId') } : {}),
        ...(optional('subscriptionPlanId') !== undefined ? { subscriptionPlanId: optional('subscriptionPlanId') } : {}),
        ...(optional('billingCustomerId') !== undefined ? { billingCustomerId: optional('billingCustomerId') } : {}),
        ...(optional('billingSubscriptionId') !== undefined ? { billingSubscriptionId: optional('billingSubscriptionId') } : {}),
      };
      ctx.store.subscriptions.set(subscription.id, subscription);
      return created(subscriptionBody(subscription, ctx.settings.gatewayId, token));
    },
  },
  listSubscriptions: {
    run(ctx) {
      const apiIdFilter = ctx.query.get('apiId');
      const apiId = apiIdFilter ? resolveApiId(ctx, apiIdFilter) : undefined;
      const applicationId = ctx.query.get('applicationId') || undefined;
      const status = ctx.query.get('status') || undefined;
      const items = [...ctx.store.subscriptions.values()]
        .filter((s) => (!apiId || s.apiId === apiId) && (!applicationId || s.applicationId === applicationId) && (!status || s.status === status))
        .map((s) => subscriptionBody(s, ctx.settings.gatewayId));
      return ok({ subscriptions: items, count: items.length });
    },
  },
  getSubscription: {
    run(ctx) {
      const subscription = ctx.store.subscriptions.get(ctx.params.subscriptionId!);
      if (!subscription) throw missing();
      return ok(subscriptionBody(subscription, ctx.settings.gatewayId));
    },
  },
  updateSubscription: {
    validate: (ctx) => void checkUpdate(ctx),
    run(ctx) {
      const { subscription, request } = checkUpdate(ctx);
      const next: StoredSubscription = { ...subscription, status: statusOf(request) ?? subscription.status, updatedAt: now() };
      ctx.store.subscriptions.set(next.id, next);
      return ok(subscriptionBody(next, ctx.settings.gatewayId));
    },
  },
  deleteSubscription: {
    run(ctx) {
      if (!ctx.store.subscriptions.delete(ctx.params.subscriptionId!)) throw missing();
      return { status: 204 };
    },
  },
};
