/** Users of an account: create (pending member), update, state changes and roles. */
import { Validation, ThreescaleError } from './errors.ts';
import { assign, created, found, ok, one, pathId, stamp, str, href, many, type Ctx, type Handler } from './handler.ts';
import type { Rec } from './table.ts';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Username and email: present, well formed, unique among the users of the tenant; on the master portal, among the
 * users of the one tenant account (`accountId`, none for a new tenant): each tenant's admins sign in on its own portal.
 */
export function checkNewUser(ctx: Ctx, v: Validation, username: string | undefined, email: string | undefined, selfId?: number, accountId?: number): void {
  const others = ctx.tenant.users.filter((u) => u.id !== selfId && (!ctx.master || u._account === accountId));
  if (username !== undefined || selfId === undefined) {
    if (!username?.trim()) v.add('username', "can't be blank");
    else if (others.some((u) => u.username === username)) v.add('username', 'has already been taken');
  }
  if (email !== undefined || selfId === undefined) {
    if (!email?.trim()) v.add('email', "can't be blank");
    else if (!EMAIL.test(email)) v.add('email', 'should look like an email address');
    else if (others.some((u) => u.email === email)) v.add('email', 'has already been taken');
  }
}

export function newUser(ctx: Ctx, accountId: number, username: string, email: string): Rec {
  const id = ctx.world.nextId();
  return ctx.tenant.users.add({
    id,
    state: 'pending',
    role: 'member',
    ...stamp(ctx),
    links: [{ rel: 'self', href: href(ctx, `/admin/api/accounts/${accountId}/users/${id}`) }, { rel: 'account', href: href(ctx, `/admin/api/accounts/${accountId}`) }],
    username,
    email,
    _account: accountId,
  });
}

const accountOf = (ctx: Ctx): Rec => found(ctx.tenant.accounts, pathId(ctx, 'account_id'));
const userOf = (ctx: Ctx): Rec => {
  const account = accountOf(ctx);
  return found(ctx.tenant.users, pathId(ctx, 'id'), (u) => u._account === account.id);
};
const wireUser = (user: Rec) => one('user', user);

export const list: Handler = (ctx) => {
  const account = accountOf(ctx);
  const state = str(ctx, 'state');
  const role = str(ctx, 'role');
  const users = ctx.tenant.users.filter((u) => u._account === account.id && (!state || u.state === state) && (!role || u.role === role));
  return ok(many(ctx, 'users', 'user', users));
};

export const show: Handler = (ctx) => ok(wireUser(userOf(ctx)));

/** The role parameter is not taken on create (porta permits username, email, password and extra fields). */
export const create: Handler = (ctx) => {
  const account = accountOf(ctx);
  const v = new Validation();
  checkNewUser(ctx, v, str(ctx, 'username'), str(ctx, 'email'), undefined, account.id);
  v.check();
  return created(wireUser(newUser(ctx, account.id, str(ctx, 'username')!, str(ctx, 'email')!)));
};

export const update: Handler = (ctx) => {
  const user = userOf(ctx);
  const v = new Validation();
  checkNewUser(ctx, v, str(ctx, 'username'), str(ctx, 'email'), user.id, user._account as number);
  v.check();
  assign(ctx, user, { username: str(ctx, 'username'), email: str(ctx, 'email') });
  return ok(wireUser(user));
};

export const destroy: Handler = (ctx) => {
  ctx.tenant.users.delete(userOf(ctx).id);
  return ok(undefined);
};

/** State machine of `User` (`activate`: pending → active; `suspend`; `unsuspend`: suspended → active). */
const TRANSITIONS: Record<string, { from: string[]; to: string }> = {
  activate: { from: ['pending'], to: 'active' },
  suspend: { from: ['pending', 'active'], to: 'suspended' },
  unsuspend: { from: ['suspended'], to: 'active' },
};

const transition = (event: string): Handler => (ctx) => {
  const user = userOf(ctx);
  const t = TRANSITIONS[event]!;
  if (!t.from.includes(String(user.state))) {
    throw new ThreescaleError(422, { errors: { state: [`cannot transition via "${event}"`] } });
  }
  assign(ctx, user, { state: t.to });
  return ok(wireUser(user));
};

const role = (value: 'admin' | 'member'): Handler => (ctx) => {
  const user = userOf(ctx);
  assign(ctx, user, { role: value });
  return ok(wireUser(user));
};

export const activate = transition('activate');
export const suspend = transition('suspend');
export const unsuspend = transition('unsuspend');
export const makeAdmin = role('admin');
export const makeMember = role('member');
