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

/**
 * The operator's signup source: a DeveloperUser in the account's namespace whose `developerAccountRef` names this
 * account, with `role: admin` and the same provider account (same namespace, so the same Secret means the same
 * tenant). None yet → Waiting; its `mutual` reference makes the watcher re-trigger the account when it appears.
 */
export async function findAdminCredentials(account: KubeObject, ctx: SyncContext): Promise<AdminCredentials> {
  const ns = account.metadata.namespace ?? 'default';
  const users = await ctx.cluster.list(DeveloperUserType, ns);
  const admin = users.find((u) => {
    const spec = u.spec as { role?: unknown } | undefined;
    return !u.metadata.deletionTimestamp && spec?.role === 'admin' && developerAccountName(u) === account.metadata.name && providerAccountSecretName(u) === providerAccountSecretName(account);
  });
  if (!admin) throw waitingFor(`valid admin developer user CR not found: create a DeveloperUser with role admin and developerAccountRef ${account.metadata.name}`);
  const spec = admin.spec as { username?: unknown; email?: unknown };
  const secret = passwordSecretRef(admin);
  const data = secret && (await ctx.readData({ ...SECRET, ...secret }));
  if (!secret || !data?.password) {
    throw waitingFor(`admin DeveloperUser ${ns}/${admin.metadata.name}: password secret ${secret ? `${secret.namespace}/${secret.name}` : '(passwordCredentialsRef)'} or its key password not found`);
  }
  return { username: String(spec.username ?? ''), email: String(spec.email ?? ''), password: data.password };
}
