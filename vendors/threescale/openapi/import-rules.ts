import { invalidSpec } from '../../../shared/engine/errors.ts';
import { formatIssues } from '../../../shared/engine/spec-validation.ts';
import { BackendSpec } from '../backend/schema.ts';
import { HITS } from '../metric-schemas.ts';
import { ProductSpec } from '../product/schema.ts';
import { badDocument, VERBS, type OpenAPIDocument } from './document-fields.ts';
import type { OpenAPISpec } from './schema.ts';

type Json = Record<string, any>;

/**
 * 3scale's default API backend (porta's and the 3scale toolbox's): a document without a server host (no `servers`,
 * or a relative URL) would give the operator a hostless `https://`, which 3scale refuses.
 */
export const DEFAULT_PRIVATE_BASE_URL = 'https://echo-api.3scale.net:443';

/** The operator's SetDefaults adds the apicast policy to a Product. */
const APICAST_POLICY = { name: 'apicast', version: 'builtin', configuration: {}, enabled: true };

/** Go's url.Parse, as far as the import uses it: scheme, host and path of servers[0].url. */
function splitURL(url: string): { scheme: string; host: string; path: string } {
  const m = /^(?:([a-zA-Z][\w+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)/.exec(url)!;
  return { scheme: m[1] ?? '', host: m[2] ?? '', path: m[3] ?? '' };
}

/** The system name of the product and of its backend: spec.productSystemName, else the title with `\W` → `_`. */
const importedSystemName = (doc: OpenAPIDocument, spec: OpenAPISpec): string => spec.productSystemName ?? doc.title.replace(/\W/g, '_');

/** The operator's method names: operationId, else verb + path without non-word characters. */
function methodName(path: string, verb: string, op: Json): string {
  return typeof op.operationId === 'string' && op.operationId ? op.operationId : `${verb}${path.replace(/\W/g, '')}`;
}
const methodSystemName = (name: string) => name.toLowerCase().replace(/\W/g, '_');

/** One method and one mapping rule (delta 1) per operation, in document order; strict (`$`) unless prefixMatching. */
function methodsAndRules(doc: OpenAPIDocument, spec: OpenAPISpec) {
  const basePath = splitURL(doc.serverURL).path || '/';
  const methods: Record<string, Json> = {};
  const mappingRules: Json[] = [];
  for (const [path, item] of doc.paths) {
    const pattern = `${basePath.replace(/\/$/, '')}${path}${spec.prefixMatching ? '' : '$'}`;
    for (const [verb, op] of Object.entries(item)) {
      if (!(VERBS as readonly string[]).includes(verb) || !op || typeof op !== 'object') continue;
      const name = methodName(path, verb, op);
      const systemName = methodSystemName(name);
      methods[systemName] = { friendlyName: name, ...(op.description ? { description: String(op.description) } : {}) };
      const custom: Json = op['x-3scale-operation']?.mappingRule ?? {};
      mappingRules.push({
        httpMethod: verb.toUpperCase(),
        pattern,
        metricMethodRef: typeof custom.metricMethodRef === 'string' && custom.metricMethodRef ? custom.metricMethodRef : systemName,
        increment: Number.isInteger(custom.increment) ? custom.increment : 1,
        ...(typeof custom.last === 'boolean' ? { last: custom.last } : {}),
      });
    }
  }
  return { methods, mappingRules };
}

/** From the one global security requirement: apiKey → user key where the scheme says; none → 3scale's defaults. */
function authentication(doc: OpenAPIDocument, spec: OpenAPISpec): Json {
  const security = spec.privateAPIHostHeader !== undefined || spec.privateAPISecretToken !== undefined
    ? { security: { ...(spec.privateAPIHostHeader !== undefined ? { hostHeader: spec.privateAPIHostHeader } : {}), ...(spec.privateAPISecretToken !== undefined ? { secretToken: spec.privateAPISecretToken } : {}) } }
    : {};
  const requirements = doc.security.flatMap((r) => Object.keys(r));
  if (requirements.length === 0) return { userkey: { ...security } };
  if (requirements.length > 1) throw badDocument('security', `only one global security requirement is supported (has ${requirements.length}: ${requirements.join(', ')})`);
  const name = requirements[0];
  const scheme = doc.securitySchemes[name];
  if (!scheme || typeof scheme !== 'object') throw badDocument('security', `scheme "${name}" is not defined in components.securitySchemes`);
  if (scheme.type === 'apiKey') {
    const credentials = scheme.in === 'query' ? 'query' : scheme.in === 'header' ? 'headers' : undefined;
    return { userkey: { ...(typeof scheme.name === 'string' ? { authUserKey: scheme.name } : {}), ...(credentials ? { credentials } : {}), ...security } };
  }
  if (scheme.type !== 'oauth2' && scheme.type !== 'openIdConnect') throw badDocument(`components.securitySchemes.${name}.type`, `"${scheme.type}" is not supported (apiKey, oauth2 or openIdConnect)`);
  if (!spec.oidc) throw invalidSpec('Invalid', `spec.oidc: is required by the document's ${scheme.type} security scheme "${name}"`);
  const { issuerType, issuerEndpoint, issuerEndpointRef, jwtClaimWithClientID, jwtClaimWithClientIDType, authenticationFlow } = spec.oidc as Json;
  const flows: Json = scheme.flows ?? {};
  const flow =
    scheme.type === 'oauth2'
      ? { standardFlowEnabled: !!flows.authorizationCode, implicitFlowEnabled: !!flows.implicit, directAccessGrantsEnabled: !!flows.password, serviceAccountsEnabled: !!flows.clientCredentials }
      : { standardFlowEnabled: false, implicitFlowEnabled: false, directAccessGrantsEnabled: false, serviceAccountsEnabled: false, ...authenticationFlow };
  const defined = Object.fromEntries(Object.entries({ issuerEndpoint, issuerEndpointRef, jwtClaimWithClientID, jwtClaimWithClientIDType }).filter(([, v]) => v !== undefined));
  return { oidc: { issuerType, ...defined, authenticationFlow: flow, credentials: 'headers', ...security } };
}

function deployment(doc: OpenAPIDocument, spec: OpenAPISpec): Json {
  const auth = authentication(doc, spec);
  if (spec.productionPublicBaseURL === undefined && spec.stagingPublicBaseURL === undefined) return { apicastHosted: { authentication: auth } };
  const urls = Object.fromEntries(Object.entries({ stagingPublicBaseURL: spec.stagingPublicBaseURL, productionPublicBaseURL: spec.productionPublicBaseURL }).filter(([, v]) => v !== undefined));
  return { apicastSelfManaged: { authentication: auth, ...urls } };
}

/** The generated specs must be ones the Backend and Product kinds accept; a problem is the document's. */
function checked(what: 'Backend' | 'Product', spec: Json): Json {
  const r = (what === 'Backend' ? BackendSpec : ProductSpec).safeParse(spec);
  if (!r.success) throw invalidSpec('Invalid', `generated ${what} (from the OpenAPI document): ${formatIssues(r.error.issues)}`);
  return spec;
}

/** The Backend and Product specs the operator generates from a document, with its SetDefaults applied. */
export function importedSpecs(doc: OpenAPIDocument, spec: OpenAPISpec): { backend: Json; product: Json } {
  const systemName = importedSystemName(doc, spec);
  const providerAccountRef = spec.providerAccountRef ? { providerAccountRef: spec.providerAccountRef } : {};
  const server = splitURL(doc.serverURL);
  const privateBaseURL = spec.privateBaseURL ?? (server.host ? `${server.scheme || 'https'}://${server.host}` : DEFAULT_PRIVATE_BASE_URL);
  const backend = { name: `${doc.title} Backend`, systemName, description: `Backend of ${doc.title}`, privateBaseURL, metrics: { hits: HITS }, ...providerAccountRef };
  const extension: Json = doc.extensions['x-3scale-product'] ?? {};
  const policies: Json[] = Array.isArray(extension.policies) ? extension.policies : [];
  const product = {
    name: doc.title,
    systemName,
    ...(doc.description ? { description: doc.description } : {}),
    deployment: deployment(doc, spec),
    ...methodsAndRules(doc, spec),
    backendUsages: { [systemName]: { path: '/' } },
    metrics: { hits: HITS, ...extension.metrics },
    policies: policies.some((p) => p?.name === 'apicast') ? policies : [...policies, APICAST_POLICY],
    ...(extension.applicationPlans ? { applicationPlans: extension.applicationPlans } : {}),
    ...providerAccountRef,
  };
  return { backend: checked('Backend', backend), product: checked('Product', product) };
}
