import type { ExternalClient, ExternalStatus } from '../../../shared/engine/kind.ts';
import type { AdminApi } from '../admin-api.ts';
import { canonicalJson } from '../canonical-json.ts';
import { lookedUpClient } from '../looked-up-client.ts';
import type { ProviderAccount } from '../provider-account.ts';
import type { LinkedProduct } from './linked-product.ts';
import type { ActiveDocSpec } from './schema.ts';

type Json = Record<string, any>;

const DOCS = '/admin/api/active_docs';

const parsedBody = (text: unknown): string => {
  try {
    return canonicalJson(JSON.parse(String(text)));
  } catch {
    return String(text);
  }
};

/** Find by system_name (the operator's identity) then create or converge; the document is sent as JSON text. */
export function activeDocLookup(api: AdminApi, systemName: string) {
  return async () => (await api.list(`${DOCS}.json`, 'api_docs', 'api_doc', false)).find((d) => d.system_name === systemName);
}

export function removeActiveDoc(api: AdminApi, systemName: string): Promise<void> {
  return activeDocLookup(api, systemName)().then((d) => (d ? api.remove(`${DOCS}/${d.id}.json`) : undefined));
}

/**
 * An ActiveDoc as a 3scale `api_doc`, bound to the product's service. The spec's form fields: the document as JSON
 * text, flags as `true`/`false`; no product unbinds with an empty `service_id` (porta casts it to none), where the
 * operator sends JSON `null`.
 */
export function activeDocClient(api: AdminApi, account: ProviderAccount, spec: ActiveDocSpec & { name: string; systemName: string }, document: Json, product: LinkedProduct | null): ExternalClient {
  const serviceId = product?.id ?? null;
  const fields = {
    name: spec.name,
    description: spec.description ?? '',
    body: JSON.stringify(document),
    published: String(spec.published),
    skip_swagger_validations: String(spec.skipSwaggerValidations),
  };
  const boundTo = serviceId === null ? '' : String(serviceId);
  const status = (d: Json): ExternalStatus => ({ activeDocId: d.id, productResourceName: product?.resource, providerAccountHost: account.adminURL });
  const differs = (d: Json) =>
    d.name !== fields.name ||
    (d.description ?? '') !== fields.description ||
    Boolean(d.published) !== spec.published ||
    Boolean(d.skip_swagger_validations) !== spec.skipSwaggerValidations ||
    (d.service_id ?? null) !== serviceId ||
    parsedBody(d.body) !== canonicalJson(document);
  return lookedUpClient({
    lookup: activeDocLookup(api, spec.systemName),
    differs,
    status,
    // a new document is bound or left unbound by leaving the field out
    create: () => api.create(`${DOCS}.json`, 'api_doc', { ...fields, system_name: spec.systemName, service_id: serviceId === null ? undefined : boundTo }),
    converge: async (d) => (differs(d) ? api.update(`${DOCS}/${d.id}.json`, 'api_doc', { ...fields, service_id: boundTo }) : d),
    remove: (d) => api.remove(`${DOCS}/${d.id}.json`),
  });
}
