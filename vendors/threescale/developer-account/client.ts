import { asSyncError } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import { managedByDiffers, managedByField } from '../managed-by.ts';
import type { AdminApi } from '../admin-api.ts';
import { lookedUpClient } from '../looked-up-client.ts';
import type { ProviderAccount } from '../provider-account.ts';
import type { AdminCredentials } from './admin-user.ts';
import type { DeveloperAccountSpec } from './schema.ts';

type Json = Record<string, any>;

/**
 * A DeveloperAccount as a 3scale developer account. Found by the id it last synced (org names are not unique in
 * porta), else by org name, before any signup: a redelivery or a crash after the signup never duplicates it.
 */
export function developerAccountClient(
  api: AdminApi,
  account: ProviderAccount,
  spec: DeveloperAccountSpec,
  knownId: number | undefined,
  adminCredentials: () => Promise<AdminCredentials>,
): ExternalClient {
  const status = (a: Json): ExternalStatus => ({ accountID: a.id, accountState: a.state, creditCardStored: Boolean(a.credit_card_stored), providerAccountHost: account.adminURL });
  const byId = async () => (knownId ? await api.find(`/admin/api/accounts/${knownId}.json`, 'account') : undefined);
  const lookup = async () => (await byId()) ?? (await api.list('/admin/api/accounts.json', 'accounts', 'account')).find((a) => a.org_name === spec.orgName);
  const fields = { org_name: spec.orgName, monthly_billing_enabled: String(spec.monthlyBillingEnabled), monthly_charging_enabled: String(spec.monthlyChargingEnabled) };
  const differs = (a: Json) => managedByDiffers(a) || a.org_name !== spec.orgName || a.monthly_billing_enabled !== spec.monthlyBillingEnabled || a.monthly_charging_enabled !== spec.monthlyChargingEnabled;
  const converge = async (current: Json) => (differs(current) ? api.update(`/admin/api/accounts/${current.id}.json`, 'account', { ...fields, ...managedByField }) : current);

  /**
   * porta may answer signup with a 409 although it created the account (3scale-operator#1039), and a concurrent sync
   * of the same resource (a redelivery while this one waited) makes the admin's username taken (422): either way,
   * the account this resource signed up is found by its admin. The spec's signup takes no billing flags (the
   * operator sends them there): they are set by the account update that follows when they differ from porta's.
   */
  async function signup(admin: AdminCredentials): Promise<Json> {
    try {
      return await api.create('/admin/api/signup.json', 'account', { org_name: spec.orgName, ...managedByField, username: admin.username, email: admin.email, password: admin.password });
    } catch (e) {
      if (asSyncError(e).invalid && !/\busername has already been taken/.test(asSyncError(e).message)) throw e;
      const existing = await api.find(`/admin/api/accounts/find.json?username=${encodeURIComponent(admin.username)}`, 'account');
      if (existing?.org_name !== spec.orgName) throw e;
      return existing;
    }
  }

  return lookedUpClient({
    lookup,
    differs,
    status,
    create: async () => converge(await signup(await adminCredentials())),
    converge,
    remove: (current) => api.remove(`/admin/api/accounts/${current.id}.json`),
  });
}
