import { asSyncError, transient } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import { managedByDiffers, managedByField } from '../managed-by.ts';
import type { AdminApi } from '../admin-api.ts';
import { threescaleIdentity } from '../identity.ts';
import { lookedUpClient } from '../looked-up-client.ts';
import type { ProviderAccount } from '../provider-account.ts';
import type { AdminUser } from './admin-user.ts';
import type { DeveloperAccountSpec } from './schema.ts';

type Json = Record<string, any>;

/** The ownership record's name for the 3scale account of this id: org names are not unique in a tenant, ids are. */
export const accountIdentity = (account: ProviderAccount, id: unknown) => (id === undefined ? undefined : threescaleIdentity(account.adminURL, 'account', String(id)));

/**
 * A DeveloperAccount as a 3scale developer account. As the operator, it is its account by id (`status.accountID` or
 * the `accountID` annotation), never by org name (not unique: two resources of one organization are two accounts).
 * Before any signup it also looks for the account its admin user's username belongs to (unique in the tenant), the
 * one a signup of this resource made when the sync died before writing the id: a redelivery never duplicates it.
 *
 * Its identity is that account's id: unset until an account is known (a first signup has nothing to own yet; the
 * sync after it claims the record), and set by a lookup to the account it found, so the claim before a write names it.
 */
export function developerAccountClient(api: AdminApi, account: ProviderAccount, spec: DeveloperAccountSpec, knownId: number | undefined, admin: AdminUser): ExternalClient {
  const status = (a: Json): ExternalStatus => ({ accountID: a.id, accountState: a.state, creditCardStored: Boolean(a.credit_card_stored), providerAccountHost: account.adminURL });
  const byId = async () => (knownId ? await api.find(`/admin/api/accounts/${knownId}.json`, 'account') : undefined);
  const byAdminUsername = async () => {
    const username = await admin.username();
    return username ? await api.find(`/admin/api/accounts/find.json?username=${encodeURIComponent(username)}`, 'account') : undefined;
  };
  const fields = { org_name: spec.orgName, monthly_billing_enabled: String(spec.monthlyBillingEnabled), monthly_charging_enabled: String(spec.monthlyChargingEnabled) };
  const differs = (a: Json) => managedByDiffers(a) || a.org_name !== spec.orgName || a.monthly_billing_enabled !== spec.monthlyBillingEnabled || a.monthly_charging_enabled !== spec.monthlyChargingEnabled;
  const converge = async (current: Json) => (differs(current) ? api.update(`/admin/api/accounts/${current.id}.json`, 'account', { ...fields, ...managedByField }) : current);

  /**
   * porta may answer signup with a 409 although it created the account (3scale-operator#1039), and a timeout or a 5xx
   * may hide a signup that happened: the account is then found by its admin's username, as the operator does (the
   * lookup just before found none, so this signup made it). A 422 "username has already been taken" means a sync
   * made an account with this admin since that lookup (a redelivery of this resource, or another resource naming the
   * same username): retried, as a taken system_name is, so the next lookup finds that account and its ownership
   * record decides who writes it. The spec's signup takes no billing flags (the operator sends them there): they are
   * set by the account update that follows when they differ from porta's.
   */
  async function signup(): Promise<Json> {
    const credentials = await admin.credentials();
    try {
      return await api.create('/admin/api/signup.json', 'account', { org_name: spec.orgName, ...managedByField, username: credentials.username, email: credentials.email, password: credentials.password });
    } catch (e) {
      const err = asSyncError(e);
      if (err.invalid && /\busername has already been taken/.test(err.message)) {
        throw transient('CreatedConcurrently', `${err.message} (an account with this admin was signed up concurrently; retried to find it)`, { cause: e });
      }
      if (err.invalid) throw e;
      const created = await byAdminUsername();
      if (!created) throw e;
      return created;
    }
  }

  const client: ExternalClient = lookedUpClient({
    async lookup() {
      const found = (await byId()) ?? (await byAdminUsername());
      client.identity = accountIdentity(account, found?.id);
      return found;
    },
    differs,
    status,
    create: async () => converge(await signup()),
    converge,
    remove: (current) => api.remove(`/admin/api/accounts/${current.id}.json`),
  });
  client.identity = accountIdentity(account, knownId);
  return client;
}
