import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import type { AdminApi } from '../admin-api.ts';
import { canonicalJson } from '../canonical-json.ts';
import type { ProviderAccount } from '../provider-account.ts';

type Json = Record<string, any>;

/** The latest APIcast configuration of each environment (3scale calls staging `sandbox`); absent when it has none. */
interface Latest {
  staging?: Json;
  production?: Json;
}

const sameConfiguration = (a: Json | undefined, b: Json | undefined): boolean => !!a && !!b && canonicalJson(a.content) === canonicalJson(b.content);

/**
 * Promotes a product's configuration as the operator does (deploy to staging; with `production`, promote the latest
 * staging version), safe to repeat: 3scale's deploy adds a staging version only when the configuration changed, and
 * the promotion is made only when production does not already run the latest staging configuration, so a
 * redelivery or a crash before the status write never adds a version or promotes twice.
 */
export function proxyConfigPromoteClient(api: AdminApi, account: ProviderAccount, productId: number, production: boolean): ExternalClient {
  const proxy = `/admin/api/services/${productId}/proxy`;
  const latest = async (): Promise<Latest> => {
    // A 404 is an environment without configuration yet (the operator matches `{"status":"Not found"}`).
    const [staging, prod] = await Promise.all(['sandbox', 'production'].map((env) => api.find(`${proxy}/configs/${env}/latest.json`, 'proxy_config')));
    return { staging, production: prod };
  };
  const status = (l: Latest): ExternalStatus => ({
    productId: String(productId),
    latestStagingVersion: l.staging?.version,
    latestProductionVersion: l.production?.version,
    providerAccountHost: account.adminURL,
  });
  const promote = async (): Promise<ExternalStatus> => {
    await api.create(`${proxy}/deploy.json`, 'proxy', {});
    const now = await latest();
    if (!production || !now.staging || sameConfiguration(now.staging, now.production)) return status(now);
    const promoted = await api.create(`${proxy}/configs/sandbox/${now.staging.version}/promote.json`, 'proxy_config', { to: 'production' });
    return status({ ...now, production: promoted });
  };
  return {
    // What each environment runs before acting; the message compares it with the result (promoted, or nothing new).
    observe: async () => ({ exists: false, upToDate: false, status: status(await latest()) }),
    create: promote,
    update: promote,
    // A promotion cannot be undone, and a one-shot kind has no finalizer: the engine never calls this.
    delete: async () => {},
  };
}
