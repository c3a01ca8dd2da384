import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { resolveProviderAccount, type ProviderAccount } from '../provider-account.ts';
import { isReady } from '../ready.ts';
import { DeveloperAccountType, ProductType } from '../resource-types.ts';
import type { ApplicationSpec } from './schema.ts';

/** Where the application lives: the tenant, its 3scale account and product. */
export interface ApplicationPlace {
  provider: ProviderAccount;
  accountId: number | undefined;
  productId: number | undefined;
}

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);

/**
 * As the operator: the provider account is the DeveloperAccount CR's; both CRs must be Ready with their ids and use the
 * same tenant, else Orphan (the watcher re-enqueues when they become Ready). While deleting, the ids it synced with suffice.
 */
export async function resolvePlace(app: KubeObject, spec: ApplicationSpec, ctx: SyncContext): Promise<ApplicationPlace> {
  const ns = app.metadata.namespace ?? 'default';
  const account = await ctx.cluster.get({ ...DeveloperAccountType, namespace: ns, name: spec.accountCR.name });
  const product = await ctx.cluster.get({ ...ProductType, namespace: ns, name: spec.productCR.name });
  if (app.metadata.deletionTimestamp) {
    const provider = await resolveProviderAccount(account ?? app, ctx);
    return { provider, accountId: num(app.status?.accountID) ?? num(account?.status?.accountID), productId: num(app.status?.productId) ?? num(product?.status?.productId) };
  }
  const waitFor = (what: string, field: string, obj: KubeObject | undefined, name: string) => {
    if (!obj) throw missingReference(`${what} ${ns}/${name} (${field}) not found`);
    if (!isReady(obj)) throw missingReference(`${what} ${ns}/${name} (${field}) is not Ready yet`);
  };
  waitFor('DeveloperAccount', 'spec.accountCR', account, spec.accountCR.name);
  waitFor('Product', 'spec.productCR', product, spec.productCR.name);
  const accountId = num(account!.status?.accountID);
  const productId = num(product!.status?.productId);
  if (accountId === undefined || productId === undefined) throw missingReference(`DeveloperAccount or Product has no 3scale id yet`);
  if (account!.status?.providerAccountHost !== product!.status?.providerAccountHost) {
    throw missingReference(`DeveloperAccount ${spec.accountCR.name} and Product ${spec.productCR.name} belong to different tenants`);
  }
  return { provider: await resolveProviderAccount(account!, ctx), accountId, productId };
}
