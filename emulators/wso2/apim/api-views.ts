/**
 * How the Publisher presents what the store holds: the `API`, `APIInfo`, `APIRevision` and
 * `APIRevisionDeployment` objects of the Publisher v4 spec, and an API's OpenAPI definition with the `x-wso2-*`
 * extensions APIM writes into it from the API (base path, endpoints, transports, per-operation auth type and
 * throttling tier). Extensions a client sends back in an update are dropped on import, as APIM regenerates them.
 */
import type { StoredApi, StoredDeployment, StoredRevision } from './apis-store.ts';

type Json = Record<string, unknown>;

const HTTP_VERBS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const API_INFO_FIELDS = [
  'id',
  'name',
  'description',
  'context',
  'additionalProperties',
  'additionalPropertiesMap',
  'version',
  'provider',
  'type',
  'audience',
  'lifeCycleStatus',
  'workflowStatus',
  'hasThumbnail',
  'securityScheme',
  'createdTime',
  'gatewayVendor',
  'advertiseOnly',
] as const;

export function apiInfo(stored: StoredApi): Json {
  const out: Json = {};
  for (const f of API_INFO_FIELDS) if (stored.api[f] !== undefined) out[f] = structuredClone(stored.api[f]);
  out.updatedTime = stored.api.lastUpdatedTime;
  return out;
}

export function revisionView(apiId: string, r: StoredRevision): Json {
  return {
    displayName: `Revision ${r.number}`,
    id: r.id,
    description: r.description,
    createdTime: r.createdTime,
    apiInfo: { id: apiId },
    deploymentInfo: r.deployments.map((d) => deploymentView(r.id, d)),
  };
}

export function deploymentView(revisionId: string, d: StoredDeployment): Json {
  return {
    revisionUuid: revisionId,
    name: d.name,
    vhost: d.vhost,
    displayOnDevportal: d.displayOnDevportal,
    status: 'APPROVED',
    deployedTime: d.deployedTime,
    successDeployedTime: d.deployedTime,
  };
}

/** `additionalProperties` as APIM also keys them (`additionalPropertiesMap`). */
export function additionalPropertiesMap(list: unknown): Json {
  const map: Json = {};
  if (!Array.isArray(list)) return map;
  for (const p of list) {
    if (typeof p === 'object' && p !== null && typeof (p as Json).name === 'string') {
      const { name, value, display } = p as Json;
      map[name as string] = { name, value, display: display === true };
    }
  }
  return map;
}

/**
 * The API's operations as APIM derives them from its definition: one per path and verb, keeping what the
 * client's `operations` said of the same target and verb (auth type, throttling tier, scopes, policies).
 */
export function operationsOf(definition: Json, given: unknown): Json[] {
  const declared = Array.isArray(given) ? (given as Json[]) : [];
  const out: Json[] = [];
  for (const [target, item] of Object.entries((definition.paths ?? {}) as Record<string, Json>)) {
    if (typeof item !== 'object' || item === null) continue;
    for (const verb of HTTP_VERBS) {
      if (!(verb in item)) continue;
      const VERB = verb.toUpperCase();
      const match = declared.find((o) => o.target === target && String(o.verb).toUpperCase() === VERB);
      out.push({
        id: '',
        authType: 'Application & Application User',
        throttlingPolicy: 'Unlimited',
        scopes: [],
        usedProductIds: [],
        operationPolicies: { request: [], response: [], fault: [] },
        ...structuredClone(match ?? {}),
        target,
        verb: VERB,
      });
    }
  }
  return out;
}

/** The definition without the extensions APIM generates (so a round-tripped definition is stored as sent). */
export function withoutGeneratedExtensions(definition: Json): Json {
  const copy = structuredClone(definition);
  for (const k of Object.keys(copy)) if (k.startsWith('x-wso2-')) delete copy[k];
  for (const item of Object.values((copy.paths ?? {}) as Record<string, Json>)) {
    if (typeof item !== 'object' || item === null) continue;
    for (const verb of HTTP_VERBS) {
      const op = item[verb] as Json | undefined;
      if (op && typeof op === 'object') {
        delete op['x-auth-type'];
        delete op['x-throttling-tier'];
      }
    }
  }
  return copy;
}

/** `GET /apis/{id}/swagger`: the stored definition with what APIM adds from the API. */
export function presentedDefinition(api: Json, definition: Json): Json {
  const copy = structuredClone(definition);
  const endpoint = (api.endpointConfig ?? {}) as Json;
  const urls = (kind: string): Json | undefined => {
    const url = ((endpoint[kind] ?? {}) as Json).url;
    return typeof url === 'string' ? { urls: [url], type: 'http' } : undefined;
  };
  copy['x-wso2-basePath'] = basePath(String(api.context ?? ''), String(api.version ?? ''));
  const production = urls('production_endpoints');
  const sandbox = urls('sandbox_endpoints');
  if (production) copy['x-wso2-production-endpoints'] = production;
  if (sandbox) copy['x-wso2-sandbox-endpoints'] = sandbox;
  copy['x-wso2-transports'] = Array.isArray(api.transport) ? api.transport : ['http', 'https'];
  for (const op of (api.operations ?? []) as Json[]) {
    const item = ((copy.paths ?? {}) as Record<string, Json>)[String(op.target)];
    const target = item?.[String(op.verb).toLowerCase()] as Json | undefined;
    if (!target || typeof target !== 'object') continue;
    target['x-auth-type'] = op.authType;
    target['x-throttling-tier'] = op.throttlingPolicy;
  }
  return copy;
}

/** The context the gateway serves: `{version}` replaced, else the version appended. */
function basePath(context: string, version: string): string {
  return context.includes('{version}') ? context.replace('{version}', version) : `${context}/${version}`;
}
