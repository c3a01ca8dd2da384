/**
 * Tenants (provider accounts). Each tenant's admin portal listens on its own loopback port, because porta
 * tells tenants apart by host name and a client built from an `adminURL` keeps only scheme, host and port;
 * a port per tenant works with plain HTTP on 127.0.0.1 without DNS. The provider account and its admin
 * users live on the master side (master's buyers are the tenants), as in porta.
 */
import { createHash } from 'node:crypto';
import { ALL_SCOPES, emptyTenant, World, type AccessToken, type Tenant } from './store.ts';
import type { Rec } from './table.ts';

export interface NewTenant {
  name: string;
  orgName?: string;
  port: number;
  url: string;
  adminToken: string;
  tokenScopes?: AccessToken['scopes'];
  username?: string;
  email?: string;
  annotations?: Record<string, string>;
}

/** `admin_domain` of a tenant: the reachable `host:port` of its admin portal. */
export const adminDomain = (url: string): string => new URL(url).host;

export function createMaster(world: World, url: string, masterToken: string): Tenant {
  const account: Rec = { id: world.nextId(), org_name: 'Master Account', admin_domain: adminDomain(url), domain: adminDomain(url), state: 'approved' };
  const master = emptyTenant('master', account, Number(new URL(url).port), url);
  master.tokens.set(masterToken, { value: masterToken, scopes: [...ALL_SCOPES], permission: 'rw' });
  return master;
}

export function createTenant(world: World, t: NewTenant): Tenant {
  const master = world.master;
  const now = world.now();
  const id = world.nextId();
  const domain = adminDomain(t.url);
  const account: Rec = {
    id,
    created_at: now,
    updated_at: now,
    admin_domain: domain,
    domain: `${t.name}.${domain}`,
    from_email: `no-reply@${t.name}.example.com`,
    support_email: t.email ?? `admin@${t.name}.example.com`,
    finance_support_email: t.email ?? `admin@${t.name}.example.com`,
    site_access_code: world.randomHex('site', 10),
    credit_card_stored: false,
    monthly_billing_enabled: true,
    monthly_charging_enabled: true,
    state: 'approved',
    links: [{ rel: 'users', href: `${master.url}/admin/api/accounts/${id}/users` }],
    org_name: t.orgName ?? t.name,
    ...(t.annotations && Object.keys(t.annotations).length ? { annotations: t.annotations } : {}),
    _tenant: t.name,
  };
  master.accounts.add(account);
  const userId = world.nextId();
  master.users.add({
    id: userId,
    state: 'active',
    role: 'admin',
    created_at: now,
    updated_at: now,
    links: [{ rel: 'self', href: `${master.url}/admin/api/users.${userId}` }],
    username: t.username ?? 'admin',
    email: t.email ?? `admin@${t.name}.example.com`,
    _account: id,
  });
  const tenant = emptyTenant(t.name, account, t.port, t.url);
  // derived from the id, not drawn: the other random answers stay what they were
  tenant.providerKey = createHash('sha256').update(`provider_key:${id}`).digest('hex').slice(0, 32);
  master.applications.add({
    id: world.nextId(),
    state: 'live',
    enabled: true,
    created_at: now,
    updated_at: now,
    account_id: id,
    user_key: tenant.providerKey,
    name: `${account.org_name}'s App`,
    description: 'Provider key of the tenant (its application on master)',
  });
  tenant.tokens.set(t.adminToken, { value: t.adminToken, scopes: t.tokenScopes ?? [...ALL_SCOPES], permission: 'rw' });
  world.tenants.set(t.name, tenant);
  return tenant;
}

/** Tenant name from an organization name: lower-case alphanumerics and dashes (porta's subdomain). */
export const tenantNameOf = (orgName: string): string =>
  orgName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'tenant';
