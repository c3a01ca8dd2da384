import { asSyncError, permanent } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import type { VendorHttp } from '../../../shared/vendor-http/vendor-http.ts';
import type { AdminApi, Form } from '../admin-api.ts';
import type { TenantSpec } from './schema.ts';
import type { TenantSecret } from './tenant-secret.ts';
import { recoverToken } from './token-recovery.ts';

type Json = Record<string, any>;

const SCHEDULED = 'scheduled_for_deletion';

export interface TenantClientDeps {
  /** The master portal's APIs, with the master token. */
  master: AdminApi;
  /** `spec.systemMasterUrl`: its scheme is the tenant portal's. */
  masterUrl: string;
  spec: TenantSpec;
  /** `status.tenantId`, else the `tenantID` annotation (the operator's restore support). */
  knownId: number | undefined;
  secret: TenantSecret;
  password(): Promise<string>;
  http: VendorHttp;
}

/**
 * A Tenant as a 3scale tenant (provider account) made through the Master API, with its admin user and the tenant
 * Secret. Found by id, else by organization name among master's accounts, before any signup: a redelivery, or a
 * crash after the signup, converges the tenant it finds (and recovers a token if the Secret was never written)
 * instead of signing up a second one.
 */
export function tenantClient(d: TenantClientDeps): ExternalClient {
  const { master, spec } = d;
  const providerPath = (id: number) => `/master/api/providers/${id}.json`;
  const usersPath = (id: number) => `/admin/api/accounts/${id}/users.json`;
  // The operator forces https; the tenant portal is served as the master portal is (one router), so its scheme is
  // kept: https for a real installation, and the emulator's plain-http loopback portals in tests.
  const adminUrlOf = (account: Json) => `${new URL(d.masterUrl).protocol}//${account.admin_domain}`;
  const fields: Form = { from_email: spec.fromEmail, support_email: spec.supportEmail, finance_support_email: spec.financeSupportEmail, site_access_code: spec.siteAccessCode };
  // Only the fields the spec sets are 3scale's to follow; the others keep 3scale's defaults.
  const fieldsDiffer = (a: Json) => Object.entries(fields).some(([k, v]) => v !== undefined && a[k] !== v);
  const isAdmin = (u: Json | undefined) => u?.role === 'admin' && u.state === 'active';
  const status = (a: Json, admin: Json | undefined): ExternalStatus => ({ tenantId: a.id, ...(admin ? { adminId: admin.id } : {}) });

  async function lookup(): Promise<Json | undefined> {
    const byId = d.knownId ? await master.find(providerPath(d.knownId), 'signup') : undefined;
    if (byId) return byId.account;
    const named = (await master.list('/admin/api/accounts.json', 'accounts', 'account')).filter((a) => a.org_name === spec.organizationName);
    return named.find((a) => a.state !== SCHEDULED) ?? named[0];
  }

  const findAdmin = async (tenantId: number) =>
    (await master.list(usersPath(tenantId), 'users', 'user', false)).find((u) => u.username === spec.username && u.email === spec.email);
  /** The admin observe found (or not) in the tenant it found, so the update that follows does not list users again. */
  let observedAdmin: { tenantId: number; admin: Json | undefined } | undefined;
  const knownAdmin = (tenantId: number) => (observedAdmin?.tenantId === tenantId ? observedAdmin.admin : findAdmin(tenantId));

  function usable(a: Json): Json {
    if (a.state === SCHEDULED) {
      throw permanent('TenantScheduledForDeletion', `3scale tenant ${a.org_name} (id ${a.id}) is scheduled for deletion: resume it in the master portal (state event resume) or choose another organizationName`);
    }
    return a;
  }

  /** The admin user, through the master portal as the operator does: created if missing, then made admin and active. */
  async function ensureAdmin(tenantId: number): Promise<Json> {
    let u = (await knownAdmin(tenantId)) ?? (await master.create(usersPath(tenantId), 'user', { username: spec.username, email: spec.email }));
    const userPath = `/admin/api/accounts/${tenantId}/users/${u.id}`;
    if (u.role !== 'admin') u = await master.update(`${userPath}/admin.json`, 'user', {});
    if (u.state === 'pending') u = await master.update(`${userPath}/activate.json`, 'user', {});
    return u;
  }

  /** The Secret holds this tenant's adminURL and a token; a missing token is recovered (see token-recovery.ts). */
  async function ensureSecret(account: Json, admin: Json): Promise<void> {
    const adminURL = adminUrlOf(account);
    const current = await d.secret.read();
    if (current?.adminURL === adminURL && current.token) return;
    const token = await recoverToken(master, adminURL, account.id, admin.id, d.http);
    await d.secret.write({ adminURL, token });
  }

  async function converge(found: Json): Promise<ExternalStatus> {
    let account = usable(found);
    if (fieldsDiffer(account)) account = (await master.update(providerPath(account.id), 'signup', fields)).account;
    const admin = await ensureAdmin(account.id);
    await ensureSecret(account, admin);
    return status(account, admin);
  }

  /**
   * A signup refused (422: the subdomain taken) right after a lookup that found nothing means another attempt made the
   * tenant meanwhile (a redelivery while a slow signup was still running): converge on it, recovering its token.
   */
  async function signup(): Promise<ExternalStatus> {
    const form = { org_name: spec.organizationName, username: spec.username, email: spec.email, password: await d.password() };
    let res: Json;
    try {
      res = await master.create('/master/api/providers.json', 'signup', form);
    } catch (e) {
      const meanwhile = asSyncError(e).invalid ? await lookup() : undefined;
      if (meanwhile) return converge(meanwhile);
      throw e;
    }
    // The token is shown by this answer only: written before anything else can fail.
    await d.secret.write({ adminURL: adminUrlOf(res.account), token: String(res.access_token.value) });
    return converge(res.account);
  }

  let found: Json | undefined;
  return {
    async observe(): Promise<Observation> {
      found = await lookup();
      if (!found) return { exists: false, upToDate: false };
      const account = usable(found);
      const admin = await findAdmin(account.id);
      observedAdmin = { tenantId: account.id, admin };
      const secret = await d.secret.read();
      const upToDate = !fieldsDiffer(account) && isAdmin(admin) && secret?.adminURL === adminUrlOf(account) && !!secret.token;
      return { exists: true, upToDate, status: status(account, admin) };
    },
    create: signup,
    async update() {
      const current = found ?? (await lookup());
      return current ? converge(current) : signup();
    },
    async delete() {
      const current = await lookup();
      if (!current) return;
      if (current.state !== SCHEDULED) await master.remove(providerPath(current.id));
      return `3scale tenant ${current.org_name} (id ${current.id}) is scheduled for deletion and is removed after 15 days; until then the state event resume in the master portal restores it`;
    },
  };
}
