import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { tenantSecretRef } from './references.ts';

/** The tenant Secret of one sync: read once, and what this sync wrote is what it reads after. */
export interface TenantSecret {
  read(): Promise<Partial<ProviderAccount> | undefined>;
  write(credentials: ProviderAccount): Promise<void>;
}

/**
 * `spec.tenantSecretRef`, holding `adminURL` and `token` as the operator writes it (label `app: 3scale-operator`), so
 * the new tenant's other resources use it as their `providerAccountRef`. Created when missing, else its two keys
 * patched. No owner reference: deleting the Tenant only schedules the tenant's deletion (3scale keeps it 15 days and a
 * `resume` restores it), and with deletion-policy orphan the tenant lives on; either way its credentials stay.
 */
export function tenantSecret(tenant: KubeObject, ctx: SyncContext): TenantSecret {
  const ref = { ...SECRET, ...tenantSecretRef(tenant) };
  let known: Promise<Partial<ProviderAccount> | undefined> | undefined;
  return {
    read: () => (known ??= ctx.readData(ref).then((d) => d && { adminURL: d.adminURL?.trim(), token: d.token?.trim() })),
    async write(credentials) {
      const data = { adminURL: b64(credentials.adminURL), token: b64(credentials.token) };
      // readData is the sync's cached read: the one read() made, when it made one (a Secret without a token).
      if (await ctx.readData(ref)) await ctx.cluster.patchData(ref, data);
      else await ctx.cluster.create({ ...SECRET, metadata: { name: ref.name, namespace: ref.namespace, labels: { app: '3scale-operator' } }, type: 'Opaque', data } as KubeObject);
      known = Promise.resolve(credentials);
    },
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
