import { asSyncError, transient } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import { managedByDiffers, managedByField } from '../managed-by.ts';
import type { AdminApi } from '../admin-api.ts';
import type { ProviderAccount } from '../provider-account.ts';
import { endpointWithPort } from '../system-name.ts';
import { backendOwner, convergeMetricsAndRules, metricsAndRulesUpToDate, readMetricsAndRules } from '../metrics-and-rules.ts';
import type { BackendSpec } from './schema.ts';

type Json = Record<string, any>;

/**
 * A Backend as a 3scale `backend_api`, identified by system_name (the operator's identity): creating is a POST,
 * so observe always looks it up first and a redelivered message never creates a second one.
 */
export function backendClient(api: AdminApi, account: ProviderAccount, spec: BackendSpec): ExternalClient {
  let found: Json | undefined;
  const status = (b: Json): ExternalStatus => ({ backendId: b.id, providerAccountHost: account.adminURL });
  const lookup = async () => (await api.list('/admin/api/backend_apis.json', 'backend_apis', 'backend_api')).find((b) => b.system_name === spec.systemName);
  const fields = { name: spec.name, description: spec.description ?? '', private_endpoint: spec.privateBaseURL };
  const fieldsDiffer = (b: Json) => managedByDiffers(b) || b.name !== spec.name || (b.description ?? '') !== fields.description || b.private_endpoint !== endpointWithPort(spec.privateBaseURL);

  return {
    async observe(): Promise<Observation> {
      found = await lookup();
      if (!found) return { exists: false, upToDate: false };
      const upToDate = !fieldsDiffer(found) && metricsAndRulesUpToDate(spec, await readMetricsAndRules(api, backendOwner(found.id)));
      return { exists: true, upToDate, status: status(found) };
    },
    async create() {
      const created = await api.create('/admin/api/backend_apis.json', 'backend_api', { ...fields, system_name: spec.systemName, ...managedByField });
      await convergeMetricsAndRules(api, backendOwner(created.id), spec);
      return status(created);
    },
    async update() {
      const backend = found ?? (await lookup());
      if (!backend) return this.create();
      const current = fieldsDiffer(backend) ? await api.update(`/admin/api/backend_apis/${backend.id}.json`, 'backend_api', { ...fields, ...managedByField }) : backend;
      await convergeMetricsAndRules(api, backendOwner(backend.id), spec);
      return status(current);
    },
    async delete() {
      const backend = await lookup();
      if (!backend) return;
      try {
        await api.remove(`/admin/api/backend_apis/${backend.id}.json`);
      } catch (e) {
        // 3scale refuses while a product uses it. No Product resource names it any more (the deletion waited for
        // that), so a Product's sync that drops the usage has not caught up yet, or a product made outside the
        // cluster uses it: retried with backoff rather than reported as an invalid spec.
        const err = asSyncError(e);
        if (!err.invalid) throw err;
        throw transient('BackendInUse', `3scale still has a product using backend ${spec.systemName}, retrying: ${err.message}`);
      }
    },
  };
}
