/**
 * Applications of developer accounts and their keys. Credentials follow the product's authentication:
 * `user_key` (backend_version 1), or `application_id` + keys (2, oidc). At most 5 keys per application.
 */
import { ThreescaleError, Validation, notFound } from './errors.ts';
import { assign, created, found, int, ok, one, pathId, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import type { Rec } from './table.ts';

const MAX_KEYS = 5;

const accountOf = (ctx: Ctx): Rec => found(ctx.tenant.accounts, pathId(ctx, 'account_id'));
const appOf = (ctx: Ctx, param = 'id'): Rec => {
  const account = accountOf(ctx);
  return found(ctx.tenant.applications, pathId(ctx, param), (a) => a.account_id === account.id);
};

/** The wire form: keys are a separate resource, the plan is embedded as porta does. */
function wireApp(ctx: Ctx, app: Rec): Record<string, unknown> {
  const plan = ctx.tenant.plans.get(app.plan_id as number);
  return one('application', { ...app, plan: plan && { id: plan.id, name: plan.name, type: 'application_plan', state: plan.state, default: plan.default, custom: plan.custom } });
}

function planOf(ctx: Ctx): Rec {
  const id = int(ctx, 'plan_id');
  const plan = id === undefined ? undefined : ctx.tenant.plans.get(id);
  if (!plan) throw notFound();
  return plan;
}

const serviceApps = (ctx: Ctx, serviceId: unknown, selfId?: number): Rec[] =>
  ctx.tenant.applications.filter((a) => a.service_id === serviceId && a.id !== selfId);

export const list: Handler = (ctx) => {
  const account = accountOf(ctx);
  const apps = ctx.tenant.applications.filter((a) => a.account_id === account.id);
  return ok({ applications: apps.map((a) => wireApp(ctx, a)) });
};

export const show: Handler = (ctx) => ok(wireApp(ctx, appOf(ctx)));

export const create: Handler = (ctx) => {
  const { tenant, world } = ctx;
  const account = accountOf(ctx);
  const plan = planOf(ctx);
  const service = found(tenant.services, plan.service_id as number);
  const v = new Validation();
  if (!str(ctx, 'name')?.trim()) v.add('name', "can't be blank");
  const id = world.nextId();
  const app: Rec = {
    id,
    state: plan.approval_required ? 'pending' : 'live',
    enabled: true,
    end_user_required: false,
    ...stamp(ctx),
    service_id: service.id,
    plan_id: plan.id,
    account_id: account.id,
    first_traffic_at: null,
    first_daily_traffic_at: null,
    links: [
      { rel: 'self', href: href(ctx, `/admin/api/accounts/${account.id}/applications/${id}`) },
      { rel: 'service', href: href(ctx, `/admin/api/services/${service.id}`) },
      { rel: 'account', href: href(ctx, `/admin/api/accounts/${account.id}`) },
      { rel: 'plan', href: href(ctx, `/admin/api/services/${service.id}/application_plans/${plan.id}`) },
      { rel: 'keys', href: href(ctx, `/admin/api/accounts/${account.id}/applications/${id}/keys`) },
    ],
    name: str(ctx, 'name'),
    description: str(ctx, 'description') ?? '',
    _keys: [] as string[],
  };
  if (service.backend_version === '1') {
    const userKey = str(ctx, 'user_key') || world.randomHex('user_key');
    if (serviceApps(ctx, service.id).some((a) => a.user_key === userKey)) v.add('user_key', 'has already been taken');
    app.user_key = userKey;
  } else {
    const appId = str(ctx, 'application_id') || world.randomHex('application_id', 8);
    if (serviceApps(ctx, service.id).some((a) => a.application_id === appId)) v.add('application_id', 'has already been taken');
    app.application_id = appId;
    const key = str(ctx, 'application_key') || (service.backend_version === '2' ? world.randomHex('application_key') : undefined);
    if (key) app._keys = [key];
  }
  app.provider_verification_key = world.randomHex('verification');
  v.check();
  tenant.applications.add(app);
  return created(wireApp(ctx, app));
};

export const update: Handler = (ctx) => {
  const app = appOf(ctx);
  const userKey = str(ctx, 'user_key');
  const v = new Validation();
  if (str(ctx, 'name') !== undefined && !str(ctx, 'name')!.trim()) v.add('name', "can't be blank");
  if (userKey !== undefined && serviceApps(ctx, app.service_id, app.id).some((a) => a.user_key === userKey)) v.add('user_key', 'has already been taken');
  v.check();
  assign(ctx, app, { name: str(ctx, 'name'), description: str(ctx, 'description'), user_key: app.user_key === undefined ? undefined : userKey });
  return ok(wireApp(ctx, app));
};

export const destroy: Handler = (ctx) => {
  ctx.tenant.applications.delete(appOf(ctx).id);
  return ok(undefined);
};

/** A plan of another product is refused (an application belongs to one product). */
export const changePlan: Handler = (ctx) => {
  const app = appOf(ctx);
  const plan = planOf(ctx);
  if (plan.service_id !== app.service_id) throw new ThreescaleError(422, { errors: { plan: ['must belong to the same product as the application'] } });
  assign(ctx, app, { plan_id: plan.id });
  return ok(wireApp(ctx, app));
};

const setState = (state: string): Handler => (ctx) => {
  const app = appOf(ctx);
  assign(ctx, app, { state });
  return ok(wireApp(ctx, app));
};

export const suspend = setState('suspended');
export const resume = setState('live');

const keysBody = (app: Rec) => ({ keys: (app._keys as string[]).map((value) => ({ key: { value } })) });

export const listKeys: Handler = (ctx) => ok(keysBody(appOf(ctx, 'application_id')));

/** Adds the given key, or a random one when none is given; answers the application. */
export const createKey: Handler = (ctx) => {
  const app = appOf(ctx, 'application_id');
  const keys = app._keys as string[];
  const key = str(ctx, 'key') || ctx.world.randomHex('application_key');
  if (keys.length >= MAX_KEYS) throw new ThreescaleError(422, { errors: { base: ['Limit reached'] } });
  if (keys.includes(key)) throw new ThreescaleError(422, { errors: { value: ['has already been taken'] } });
  if (!/^[\w\-]{5,256}$/.test(key)) throw new ThreescaleError(422, { errors: { value: ['is invalid'] } });
  keys.push(key);
  return created(wireApp(ctx, app));
};

export const deleteKey: Handler = (ctx) => {
  const app = appOf(ctx, 'application_id');
  const keys = app._keys as string[];
  const index = keys.indexOf(ctx.path.key!);
  if (index < 0) throw notFound();
  keys.splice(index, 1);
  return ok(wireApp(ctx, app));
};
