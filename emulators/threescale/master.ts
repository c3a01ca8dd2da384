/**
 * Master API: tenant signup, show, update and deletion. Deletion only schedules the tenant (porta purges it
 * 15 days later; `state.purgeScheduledTenants()` ends that period); a scheduled tenant's admin portal
 * refuses every call, and only `state_event` may still change it.
 */
import { Validation, notFound, unprocessable } from './errors.ts';
import { assign, created, ok, pathId, required, str, type Ctx, type Handler } from './handler.ts';
import { nested } from './params.ts';
import type { Tenant } from './store.ts';
import { wire } from './table.ts';
import { createTenant, tenantNameOf } from './tenants.ts';
import { checkNewUser } from './users.ts';

const signupOf = (tenant: Tenant) => ({ signup: { account: wire(tenant.account) } });

function tenantOf(ctx: Ctx): Tenant {
  const tenant = ctx.world.tenantById(pathId(ctx, 'id'));
  if (!tenant) throw notFound();
  return tenant;
}

export const create: Handler = async (ctx) => {
  const { world } = ctx;
  const orgName = required(ctx, 'org_name');
  const v = new Validation();
  checkNewUser(ctx, v, str(ctx, 'username'), str(ctx, 'email'));
  if (!str(ctx, 'password')) v.add('password', "can't be blank");
  const name = tenantNameOf(orgName);
  if (world.tenants.has(name)) v.add('subdomain', 'has already been taken');
  v.check();
  const portal = await world.openPortal!();
  const token = world.randomHex('access_token', 64);
  const tenant = createTenant(world, {
    name,
    orgName,
    ...portal,
    adminToken: token,
    // the token the Master API returns carries the scope of `create_tenant_response.json`
    tokenScopes: ['account_management'],
    username: str(ctx, 'username'),
    email: str(ctx, 'email'),
    annotations: nested(ctx.params, 'annotations'),
  });
  return created({
    signup: {
      account: wire(tenant.account),
      access_token: { id: world.nextId(), name: 'account management rw', scopes: ['account_management'], permission: 'rw', value: token },
    },
  });
};

export const show: Handler = (ctx) => ok(signupOf(tenantOf(ctx)));

const STATE_EVENTS: Record<string, { from: string[]; to: string }> = {
  make_pending: { from: ['approved', 'rejected', 'suspended'], to: 'pending' },
  approve: { from: ['pending', 'rejected'], to: 'approved' },
  reject: { from: ['pending', 'approved'], to: 'rejected' },
  suspend: { from: ['approved', 'pending'], to: 'suspended' },
  resume: { from: ['suspended', 'scheduled_for_deletion'], to: 'approved' },
};

export const update: Handler = (ctx) => {
  const tenant = tenantOf(ctx);
  const account = tenant.account;
  const event = str(ctx, 'state_event');
  if (event !== undefined) {
    const t = STATE_EVENTS[event];
    if (!t || !t.from.includes(String(account.state))) throw unprocessable({ state: [`cannot transition via "${event}"`] });
    assign(ctx, account, { state: t.to });
    if (t.to !== 'scheduled_for_deletion') delete account._deletionScheduledAt;
  }
  // once scheduled for deletion only the state may change (`providers_controller.rb` update_account_params)
  if (account.state === 'scheduled_for_deletion') return ok(signupOf(tenant));
  const v = new Validation();
  for (const f of ['from_email', 'support_email', 'finance_support_email']) {
    const value = str(ctx, f);
    if (value && !/^[^@\s]+@[^@\s]+$/.test(value)) v.add(f, 'should look like an email address');
  }
  v.check();
  assign(ctx, account, {
    from_email: str(ctx, 'from_email'),
    support_email: str(ctx, 'support_email'),
    finance_support_email: str(ctx, 'finance_support_email'),
    site_access_code: str(ctx, 'site_access_code'),
  });
  const annotations = nested(ctx.params, 'annotations');
  if (Object.keys(annotations).length) account.annotations = { ...(account.annotations as object), ...annotations };
  return ok(signupOf(tenant));
};

export const destroy: Handler = (ctx) => {
  const tenant = tenantOf(ctx);
  if (tenant.account.state !== 'scheduled_for_deletion') {
    assign(ctx, tenant.account, { state: 'scheduled_for_deletion' });
    tenant.account._deletionScheduledAt = tenant.account.updated_at;
  }
  return ok(signupOf(tenant));
};
