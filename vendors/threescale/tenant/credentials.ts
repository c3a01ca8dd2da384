import { invalidSpec, waitingFor } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { masterSecretRef, passwordSecretRef } from './references.ts';

/**
 * The master portal and its token: `spec.systemMasterUrl` (scheme, host and port, as the porta client keeps) and the
 * `MASTER_ACCESS_TOKEN` key of `spec.masterCredentialsRef`. A missing Secret or key is Waiting, as the operator's
 * WaitError: the watcher re-syncs the Tenant when the Secret appears or changes.
 */
export async function masterAccount(tenant: KubeObject, systemMasterUrl: string, ctx: SyncContext): Promise<ProviderAccount> {
  let url: URL;
  try {
    url = new URL(systemMasterUrl);
  } catch {
    throw invalidSpec('InvalidSpec', `spec.systemMasterUrl: ${systemMasterUrl} is not a URL`);
  }
  const ref = masterSecretRef(tenant);
  const data = await ctx.readData({ ...SECRET, ...ref });
  if (!data) throw waitingFor(`master credentials secret ${ref.namespace}/${ref.name} (spec.masterCredentialsRef) not found`);
  const token = data.MASTER_ACCESS_TOKEN?.trim();
  if (!token) throw waitingFor(`master credentials secret ${ref.namespace}/${ref.name} (spec.masterCredentialsRef): key MASTER_ACCESS_TOKEN missing or empty`);
  return { adminURL: `${url.protocol}//${url.host}`, token };
}

/** The new tenant admin's password: key `admin_password` of `spec.passwordCredentialsRef`; read only for the signup. */
export async function adminPassword(tenant: KubeObject, ctx: SyncContext): Promise<string> {
  const ref = passwordSecretRef(tenant)!;
  const data = await ctx.readData({ ...SECRET, ...ref });
  if (!data) throw waitingFor(`admin password secret ${ref.namespace}/${ref.name} (spec.passwordCredentialsRef) not found`);
  if (!data.admin_password) throw waitingFor(`admin password secret ${ref.namespace}/${ref.name} (spec.passwordCredentialsRef): key admin_password missing or empty`);
  return data.admin_password;
}
