/**
 * Developer accounts: express signup (account + admin user), find, show, update, delete. On the master
 * portal the accounts are the tenants' provider accounts (master's buyers).
 */
import { Validation, conflict, notFound } from './errors.ts';
import { assign, bool, created, found, int, many, ok, one, pathId, required, stamp, str, href, type Ctx, type Handler } from './handler.ts';
import { applyAnnotations, givenAnnotations } from './annotations.ts';
import type { Rec } from './table.ts';
import { checkNewUser, newUser } from './users.ts';

export const signup: Handler = (ctx) => {
  const { tenant, world } = ctx;
  const orgName = required(ctx, 'org_name');
  const v = new Validation();
  checkNewUser(ctx, v, str(ctx, 'username'), str(ctx, 'email'));
  if (!str(ctx, 'password')) v.add('password', "can't be blank");
  const annotations = givenAnnotations(ctx, v);
  v.check();
  const id = world.nextId();
  const account: Rec = {
    id,
    ...stamp(ctx),
    credit_card_stored: false,
    monthly_billing_enabled: bool(ctx, 'monthly_billing_enabled') ?? true,
    monthly_charging_enabled: bool(ctx, 'monthly_charging_enabled') ?? true,
    state: 'approved',
    links: [{ rel: 'self', href: href(ctx, `/admin/api/accounts/${id}`) }, { rel: 'users', href: href(ctx, `/admin/api/accounts/${id}/users`) }],
    org_name: orgName,
  };
  applyAnnotations(account, annotations);
  tenant.accounts.add(account);
  const user = newUser(ctx, id, str(ctx, 'username')!, str(ctx, 'email')!);
  Object.assign(user, { state: 'active', role: 'admin' });
  // the flaky 409 of 3scale-operator#1039: the account exists although the answer says conflict
  if (tenant.signupConflicts > 0) {
    tenant.signupConflicts--;
    throw conflict();
  }
  return created(one('account', account));
};

export const list: Handler = (ctx) => {
  const state = str(ctx, 'state');
  return ok(many(ctx, 'accounts', 'account', ctx.tenant.accounts.filter((a) => !state || a.state === state), true));
};

const accountOf = (ctx: Ctx): Rec => found(ctx.tenant.accounts, pathId(ctx, 'id'));

export const show: Handler = (ctx) => ok(one('account', accountOf(ctx)));

/** By a user's username, email or id (`accounts/find`). */
export const find: Handler = (ctx) => {
  const username = str(ctx, 'username');
  const email = str(ctx, 'email');
  const userId = int(ctx, 'user_id');
  const user = ctx.tenant.users.find(
    (u) => (username === undefined || u.username === username) && (email === undefined || u.email === email) && (userId === undefined || u.id === userId),
  );
  if (!user || (username === undefined && email === undefined && userId === undefined)) throw notFound();
  return ok(one('account', found(ctx.tenant.accounts, user._account as number)));
};

export const update: Handler = (ctx) => {
  const account = accountOf(ctx);
  const orgName = str(ctx, 'org_name');
  const v = new Validation();
  if (orgName !== undefined && !orgName.trim()) v.add('org_name', "can't be blank");
  const annotations = givenAnnotations(ctx, v);
  v.check();
  assign(ctx, account, {
    org_name: orgName,
    monthly_billing_enabled: bool(ctx, 'monthly_billing_enabled'),
    monthly_charging_enabled: bool(ctx, 'monthly_charging_enabled'),
  });
  applyAnnotations(account, annotations);
  return ok(one('account', account));
};

export const destroy: Handler = (ctx) => {
  const { tenant } = ctx;
  const account = accountOf(ctx);
  tenant.accounts.delete(account.id);
  tenant.users.deleteWhere((u) => u._account === account.id);
  tenant.applications.deleteWhere((a) => a.account_id === account.id);
  return ok(undefined);
};
