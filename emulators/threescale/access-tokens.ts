/**
 * Access Token Create (`POST /admin/api/users/{user_id}/access_tokens.json`, deprecated but published): a new token
 * for an admin user of the portal's own account (`current_account.users`, `admin/api/access_tokens_controller.rb`).
 * The value is shown once, in this answer. Tenant admins live on the master side (see tenants.ts).
 */
import { Validation, notFound } from './errors.ts';
import { created, pathId, str, type Handler } from './handler.ts';
import { ALL_SCOPES, type Scope } from './store.ts';

export const create: Handler = (ctx) => {
  const { tenant, world } = ctx;
  const userId = pathId(ctx, 'user_id');
  const user = world.master.users.find((u) => u.id === userId && u._account === tenant.account.id);
  if (!user) throw notFound();
  const name = str(ctx, 'name');
  const permission = str(ctx, 'permission');
  // one `scopes[]` form field (the flat params keep the last of repeated ones)
  const raw = str(ctx, 'scopes[]');
  const scopes = raw ? [raw] : [];
  const v = new Validation();
  if (!name?.trim()) v.add('name', "can't be blank");
  if (permission !== 'ro' && permission !== 'rw') v.add('permission', 'is not included in the list');
  if (!scopes.length || scopes.some((s) => !ALL_SCOPES.includes(s as Scope))) v.add('scopes', 'invalid');
  v.check();
  const value = world.randomHex('access_token', 64);
  tenant.tokens.set(value, { value, scopes: scopes as Scope[], permission: permission as 'ro' | 'rw' });
  return created({ access_token: { id: world.nextId(), name, scopes, permission, value } });
};
