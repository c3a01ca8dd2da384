import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { isReady } from '../ready.ts';
import { DeveloperAccountType } from '../resource-types.ts';
import { passwordSecretRef } from './references.ts';


/**
 * The 3scale account id of the user's DeveloperAccount, as the operator's findParentAccount: the CR must exist, be
 * Ready and use the same tenant; otherwise Orphan, re-triggered by the watcher when the account becomes Ready.
 * While the user is being deleted, the account it was synced into (its own status) is enough.
 */
export async function parentAccountId(user: KubeObject, accountName: string, provider: ProviderAccount, ctx: SyncContext): Promise<number | undefined> {
  const ns = user.metadata.namespace ?? 'default';
  const parent = await ctx.cluster.get({ ...DeveloperAccountType, namespace: ns, name: accountName });
  const own = typeof user.status?.accountID === 'number' ? user.status.accountID : undefined;
  if (user.metadata.deletionTimestamp) return own ?? (parent?.status?.accountID as number | undefined);
  if (!parent) throw missingReference(`DeveloperAccount ${ns}/${accountName} (spec.developerAccountRef) not found`);
  const id = parent.status?.accountID;
  if (!isReady(parent) || typeof id !== 'number') throw missingReference(`DeveloperAccount ${ns}/${accountName} (spec.developerAccountRef) is not Ready yet`);
  if (parent.status?.providerAccountHost !== provider.adminURL) {
    throw missingReference(`DeveloperAccount ${ns}/${accountName} (spec.developerAccountRef) belongs to another tenant than this user's provider account`);
  }
  return id;
}

/** The password from `spec.passwordCredentialsRef` (key `password`); read only when the user is created. */
export async function readPassword(user: KubeObject, ctx: SyncContext): Promise<string> {
  const ref = passwordSecretRef(user)!;
  const data = await ctx.readData({ ...SECRET, ...ref });
  if (!data) throw missingReference(`password secret ${ref.namespace}/${ref.name} (spec.passwordCredentialsRef) not found`);
  if (!data.password) throw invalidSpec('Invalid', `password secret ${ref.namespace}/${ref.name} (spec.passwordCredentialsRef): key password missing or empty`);
  return data.password;
}
