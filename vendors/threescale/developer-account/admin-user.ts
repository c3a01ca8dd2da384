import { waitingFor } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { developerAccountName, passwordSecretRef } from '../developer-user/references.ts';
import { providerAccountSecretName } from '../references.ts';
import { DeveloperUserType } from '../resource-types.ts';

/** What porta's signup needs of the account's first (admin) user. */
export interface AdminCredentials {
  username: string;
  email: string;
  password: string;
}

/** The account's admin user as the account finds it: its username (what finds the account it signed up) and its credentials. */
export interface AdminUser {
  /** The admin DeveloperUser's username, undefined while there is none. */
  username(): Promise<string | undefined>;
  /** Its signup credentials; Waiting while there is no admin user or its password is missing. */
  credentials(): Promise<AdminCredentials>;
}

/**
 * The operator's signup source: a DeveloperUser in the account's namespace whose `developerAccountRef` names this
 * account, with `role: admin` and the same provider account (same namespace, so the same Secret means the same
 * tenant). None yet → Waiting; its `mutual` reference makes the watcher re-trigger the account when it appears.
 */
export function adminUser(account: KubeObject, ctx: SyncContext): AdminUser {
  const ns = account.metadata.namespace ?? 'default';
  let listed: Promise<KubeObject | undefined> | undefined;
  const find = () =>
    (listed ??= ctx.cluster.list(DeveloperUserType, ns).then((users) =>
      users.find((u) => {
        const spec = u.spec as { role?: unknown } | undefined;
        return !u.metadata.deletionTimestamp && spec?.role === 'admin' && developerAccountName(u) === account.metadata.name && providerAccountSecretName(u) === providerAccountSecretName(account);
      }),
    ));
  const usernameOf = (u: KubeObject) => {
    const username = (u.spec as { username?: unknown } | undefined)?.username;
    return typeof username === 'string' && username !== '' ? username : undefined;
  };
  return {
    username: async () => {
      const admin = await find();
      return admin && usernameOf(admin);
    },
    async credentials() {
      const admin = await find();
      if (!admin) throw waitingFor(`valid admin developer user CR not found: create a DeveloperUser with role admin and developerAccountRef ${account.metadata.name}`);
      const spec = admin.spec as { email?: unknown };
      const secret = passwordSecretRef(admin);
      const data = secret && (await ctx.readData({ ...SECRET, ...secret }));
      if (!secret || !data?.password) {
        throw waitingFor(`admin DeveloperUser ${ns}/${admin.metadata.name}: password secret ${secret ? `${secret.namespace}/${secret.name}` : '(passwordCredentialsRef)'} or its key password not found`);
      }
      return { username: usernameOf(admin) ?? '', email: String(spec.email ?? ''), password: data.password };
    },
  };
}
