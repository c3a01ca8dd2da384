import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import type { AdminApi } from '../admin-api.ts';
import { lookedUpClient } from '../looked-up-client.ts';
import type { ProviderAccount } from '../provider-account.ts';
import type { DeveloperUserSpec } from './schema.ts';

type Json = Record<string, any>;

/**
 * A DeveloperUser as a user of its 3scale account. Found by the id it last synced, else by username, else by email
 * within the account, before any create: the admin user made by the account's signup is adopted, and a redelivery
 * or a crash after the create never duplicates it. The password is set on create only, as the operator does.
 */
export function developerUserClient(api: AdminApi, account: ProviderAccount, accountId: number | undefined, spec: DeveloperUserSpec, knownId: number | undefined, password: () => Promise<string>): ExternalClient {
  const base = `/admin/api/accounts/${accountId}`;
  const status = (u: Json): ExternalStatus => ({ userID: u.id, developerUserID: u.id, accountID: accountId, developerUserState: u.state, providerAccountHost: account.adminURL });
  const lookup = async () => {
    if (accountId === undefined || !(await api.find(`${base}.json`, 'account'))) return undefined;
    const users = await api.list(`${base}/users.json`, 'users', 'user', false);
    return users.find((u) => u.id === knownId) ?? users.find((u) => u.username === spec.username) ?? users.find((u) => u.email === spec.email);
  };
  const wantedState = spec.suspended ? 'suspended' : 'active';
  const differs = (u: Json) => u.username !== spec.username || u.email !== spec.email || u.role !== spec.role || u.state !== wantedState;

  /** Fields, then state (pending → active, suspend/unsuspend), then role, each only when it differs. */
  async function converge(user: Json): Promise<Json> {
    const path = `${base}/users/${user.id}`;
    let u = user;
    if (u.username !== spec.username || u.email !== spec.email) u = await api.update(`${path}.json`, 'user', { username: spec.username, email: spec.email });
    if (u.state !== wantedState) {
      const event = spec.suspended ? 'suspend' : u.state === 'pending' ? 'activate' : 'unsuspend';
      u = await api.update(`${path}/${event}.json`, 'user', {});
    }
    if (u.role !== spec.role) u = await api.update(`${path}/${spec.role}.json`, 'user', {});
    return u;
  }

  return lookedUpClient({
    lookup,
    differs,
    status,
    create: async () => converge(await api.create(`${base}/users.json`, 'user', { username: spec.username, email: spec.email, password: await password() })),
    converge,
    remove: (current) => api.remove(`${base}/users/${current.id}.json`),
  });
}
