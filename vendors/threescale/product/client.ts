import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import { managedByDiffers, managedByField } from '../managed-by.ts';
import type { AdminApi } from '../admin-api.ts';
import { convergeMetricsAndRules, metricIds, metricsAndRulesUpToDate, productOwner } from '../metrics-and-rules.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { convergeUsages, desiredUsages, usagesUpToDate } from './backend-usages.ts';
import { convergeOidc, convergeProxy, desiredOidcFlows, desiredProxy, oidcUpToDate, proxyDrift, serviceDeploymentFields } from './deployment.ts';
import { convergePlans, plansUpToDate } from './plans.ts';
import { convergePolicies, policiesUpToDate } from './policies.ts';
import { readProduct, type RemoteProduct } from './remote.ts';
import type { ProductSpec } from './schema.ts';

type Json = Record<string, any>;

/**
 * A Product as a 3scale service, identified by system_name (the operator's identity): creating is a POST, so
 * observe always looks it up first and a redelivered message never creates a second one. Observe reads each
 * managed collection once; update converges in the operator's task order and reuses what observe read.
 */
export function productClient(api: AdminApi, account: ProviderAccount, spec: ProductSpec, backendIds: Map<string, number>): ExternalClient {
  let remote: RemoteProduct | undefined;
  const status = (s: Json): ExternalStatus => ({ productId: s.id, providerAccountHost: account.adminURL, state: s.state });
  const lookup = async () => (await api.list('/admin/api/services.json', 'services', 'service')).find((s) => s.system_name === spec.systemName);
  const fields = { name: spec.name, description: spec.description ?? '', ...serviceDeploymentFields(spec) };
  const fieldsDiffer = (s: Json) => managedByDiffers(s) || Object.entries(fields).some(([k, v]) => String(s[k] ?? '') !== v);
  const usages = desiredUsages(spec.backendUsages, backendIds);
  const proxy = desiredProxy(spec);
  const flows = desiredOidcFlows(spec);

  const upToDate = (r: RemoteProduct) =>
    !fieldsDiffer(r.service) &&
    usagesUpToDate(usages, r.usages) &&
    Object.keys(proxyDrift(proxy, r.proxy)).length === 0 &&
    metricsAndRulesUpToDate(spec, r.metricsAndRules) &&
    plansUpToDate(spec.applicationPlans, r.plans, r.metricIdOf) &&
    policiesUpToDate(spec.policies, r.policies) &&
    (!flows || oidcUpToDate(flows, r.oidc));

  async function converge(service: Json, known: RemoteProduct | undefined): Promise<ExternalStatus> {
    const id = service.id as number;
    const current = fieldsDiffer(service) ? await api.update(`/admin/api/services/${id}.json`, 'service', { ...fields, ...managedByField }) : service;
    const r = known ?? (await readProduct(api, current, spec, backendIds));
    await convergeUsages(api, id, usages, r.usages);
    await convergeProxy(api, id, proxy, r.proxy);
    const metrics = await convergeMetricsAndRules(api, productOwner(id), spec, r.metricsAndRules);
    // Limits may name metrics created just now: resolve product metrics against the converged list.
    const own = metricIds(metrics);
    await convergePlans(api, id, spec.applicationPlans, r.plans, (ref) => (ref.backend ? r.metricIdOf(ref) : own.get(ref.systemName)));
    await convergePolicies(api, id, spec.policies, r.policies);
    if (flows) await convergeOidc(api, id, flows, r.oidc);
    return status(current);
  }

  return {
    async observe(): Promise<Observation> {
      const service = await lookup();
      if (!service) return { exists: false, upToDate: false };
      remote = await readProduct(api, service, spec, backendIds);
      return { exists: true, upToDate: upToDate(remote), status: status(service) };
    },
    async create() {
      const created = await api.create('/admin/api/services.json', 'service', { ...fields, system_name: spec.systemName, ...managedByField });
      return converge(created, undefined);
    },
    async update() {
      const service = remote?.service ?? (await lookup());
      if (!service) return this.create();
      return converge(service, remote);
    },
    delete: () => deleteProduct(api, spec.systemName),
  };
}

/** Removes the service with that system name; none is success. Needs nothing else of the spec. */
export async function deleteProduct(api: AdminApi, systemName: string): Promise<void> {
  const service = (await api.list('/admin/api/services.json', 'services', 'service')).find((s) => s.system_name === systemName);
  if (service) await api.remove(`/admin/api/services/${service.id}.json`);
}
