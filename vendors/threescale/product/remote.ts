import type { AdminApi } from '../admin-api.ts';
import { backendOwner, metricIds, productOwner, readMetricsAndRules, type MetricsAndRules } from '../metrics-and-rules.ts';
import type { Policy } from './policies.ts';
import { readPlans, type MetricIdOf, type RemotePlan } from './plans.ts';
import type { ProductSpec } from './schema.ts';

type Json = Record<string, any>;

/** Everything of one 3scale product that the Product resource manages, read once per sync. */
export interface RemoteProduct {
  service: Json;
  usages: Json[];
  proxy: Json;
  metricsAndRules: MetricsAndRules;
  plans: Map<string, RemotePlan>;
  policies: Policy[] | undefined;
  oidc: Json | undefined;
  metricIdOf: MetricIdOf;
}

/**
 * One read per collection, in parallel: usages, proxy, metrics (methods included), mapping rules, plans, policies,
 * and per kept plan its limits and pricing rules; OIDC flows only when the spec sets them; a backend's metrics only
 * when a limit or pricing rule names that backend.
 */
export async function readProduct(api: AdminApi, service: Json, spec: ProductSpec, backendIds: Map<string, number>): Promise<RemoteProduct> {
  const base = `/admin/api/services/${service.id}`;
  const oidcWanted = Boolean((spec.deployment?.apicastHosted ?? spec.deployment?.apicastSelfManaged)?.authentication?.oidc?.authenticationFlow);
  const [usages, proxy, metricsAndRules, plans, policies, oidc, backendMetrics] = await Promise.all([
    api.list(`${base}/backend_usages.json`, 'backend_usages', 'backend_usage', false),
    api.find(`${base}/proxy.json`, 'proxy'),
    readMetricsAndRules(api, productOwner(service.id)),
    readPlans(api, service.id, spec.applicationPlans),
    api.find(`${base}/proxy/policies.json`, 'policies_config') as Promise<Policy[] | undefined>,
    oidcWanted ? api.find(`${base}/proxy/oidc_configuration.json`, 'oidc_configuration') : undefined,
    readBackendMetrics(api, spec, backendIds),
  ]);
  const own = metricIds(metricsAndRules);
  const metricIdOf: MetricIdOf = (ref) => (ref.backend ? backendMetrics.get(ref.backend)?.get(ref.systemName) : own.get(ref.systemName));
  return { service, usages, proxy: proxy ?? {}, metricsAndRules, plans, policies, oidc, metricIdOf };
}

async function readBackendMetrics(api: AdminApi, spec: ProductSpec, backendIds: Map<string, number>): Promise<Map<string, Map<string, number>>> {
  const named = new Set(Object.values(spec.applicationPlans).flatMap((p) => [...(p.limits ?? []), ...(p.pricingRules ?? [])].map((r) => r.metricMethodRef.backend).filter((b): b is string => !!b)));
  const out = new Map<string, Map<string, number>>();
  await Promise.all(
    [...named].map(async (systemName) => {
      const id = backendIds.get(systemName);
      if (id === undefined) return;
      out.set(systemName, metricIds(await readMetricsAndRules(api, backendOwner(id), { rules: false })));
    }),
  );
  return out;
}
