/**
 * API project archives as the API Platform gateway builds them for APIM (`ExportAPIAsZip`, `buildAPIData` in
 * gateway/gateway-controller/pkg/utils/on_prem_apim_utils.go): `{name}-{version}/api.yaml`,
 * `deployment_environments.yaml` and `Definitions/swagger.yaml`, zipped with fflate. For tests and local tooling.
 */
import { strToU8, zipSync } from 'fflate';
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

export interface ProjectInput {
  name: string;
  version: string;
  context: string;
  /** The upstream URL (production and sandbox). Default `https://backend.example.com`. */
  url?: string;
  /** Default one `GET /items`. */
  operations?: { target: string; verb: string }[];
  /** Environments the revision is deployed to; none = no `deployment_environments.yaml`. */
  environments?: string[];
  additionalProperties?: { name: string; value: string; display?: boolean }[];
  provider?: string;
  /** Replaces or adds fields of api.yaml's `data` (`null` removes a field). */
  overrides?: Json;
  /** The definition to send instead of the generated one (the gateway re-sends APIM's on update). */
  definition?: Json;
}

function apiYamlData(p: ProjectInput): Json {
  const url = p.url ?? 'https://backend.example.com';
  const data: Json = {
    name: p.name,
    version: p.version,
    context: p.context,
    type: 'HTTP',
    transport: ['http', 'https'],
    provider: p.provider ?? 'admin',
    tags: [],
    policies: ['Unlimited'],
    securityScheme: ['oauth_basic_auth_api_key_mandatory'],
    visibility: 'PUBLIC',
    visibleRoles: [],
    visibleTenants: [],
    visibleOrganizations: ['none'],
    mediationPolicies: [],
    apiHubPolicies: [],
    responseCachingEnabled: false,
    cacheTimeout: 300,
    hasThumbnail: false,
    isDefaultVersion: false,
    isRevision: false,
    revisionId: 0,
    enableSchemaValidation: false,
    additionalProperties: p.additionalProperties ?? [],
    additionalPropertiesMap: {},
    gatewayType: 'APIPlatform',
    gatewayVendor: 'wso2',
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url }, sandbox_endpoints: { url } },
    endpointImplementationType: 'ENDPOINT',
    initiatedFromGateway: true,
    operations: operationsOf(p).map((o) => ({
      id: '',
      target: o.target,
      verb: o.verb.toUpperCase(),
      authType: 'Application & Application User',
      throttlingPolicy: 'Unlimited',
      scopes: [],
      usedProductIds: [],
      payloadSchema: null,
      uriMapping: null,
      operationPolicies: { request: [], response: [], fault: [] },
      operationHubPolicies: [],
    })),
  };
  for (const [k, v] of Object.entries(p.overrides ?? {})) {
    if (v === null) delete data[k];
    else data[k] = v;
  }
  return data;
}

export function openApiDocument(p: ProjectInput): Json {
  const paths: Json = {};
  for (const o of operationsOf(p)) {
    const item = (paths[o.target] ??= {}) as Json;
    const params = [...o.target.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    item[o.verb.toLowerCase()] = { responses: { '200': { description: 'Successful response' } }, ...(params.length ? { parameters: params } : {}) };
  }
  return { openapi: '3.0.0', info: { title: p.name, version: p.version }, servers: [{ url: p.url ?? 'https://backend.example.com' }], paths };
}

/** The files of the archive, by path (to corrupt one in a test before zipping). */
export function projectFiles(p: ProjectInput): Record<string, string> {
  const root = `${p.name}-${p.version}`;
  const files: Record<string, string> = {
    [`${root}/api.yaml`]: stringify({ type: 'api', version: 'v4.7.0', data: apiYamlData(p) }),
    [`${root}/Definitions/swagger.yaml`]: stringify(p.definition ?? openApiDocument(p)),
  };
  if (p.environments?.length) {
    files[`${root}/deployment_environments.yaml`] = stringify({
      type: 'deployment_environments',
      version: 'v4.3.0',
      data: p.environments.map((name) => ({ deploymentEnvironment: name, displayOnDevportal: true })),
    });
  }
  return files;
}

export function zipFiles(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, strToU8(text)])));
}

export function projectArchive(p: ProjectInput): Uint8Array {
  return zipFiles(projectFiles(p));
}

function operationsOf(p: ProjectInput): { target: string; verb: string }[] {
  return p.operations ?? [{ target: '/items', verb: 'GET' }];
}
