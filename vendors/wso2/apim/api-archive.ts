import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import { stringify } from 'yaml';
import { openApiDocument, type ApiDefinition } from './api-definition.ts';
import { OWNER_PROPERTY, SPEC_HASH_PROPERTY } from './ownership.ts';

/** The zip APIM's `/apis/import` takes, and the hash of what it says. */
export interface ApiArchive {
  /** `{name}-{version}`: the zip's top directory, as APIM's export writes it. */
  directory: string;
  fileName: string;
  bytes: Uint8Array;
  /** What the import makes of the API: equal hashes, equal APIs (it is stored on the API, see ownership.ts). */
  hash: string;
  files: Record<string, string>;
}

/** Entries are dated, but the date says nothing: a fixed one keeps the bytes a function of the content. */
const ENTRY_DATE = new Date('2020-01-01T00:00:00Z');

/**
 * The archive as the gateway exports it (`ExportAPIAsZip`): `api.yaml` (`type: api`, `version: v4.7.0`),
 * `deployment_environments.yaml` naming the gateway's environment, so APIM creates a revision and deploys it there on
 * import, and `Definitions/swagger.yaml`.
 *
 * The definition is always generated from the RestApi's operations. The gateway instead re-uses APIM's stored one on
 * updates (`GET /apis/{id}/swagger`), but APIM derives an imported API's resources from the definition, so a stored
 * one would drop the operations added since; generating it keeps the RestApi the source of truth, makes the archive
 * (and its hash) a function of the spec, and saves a call.
 */
export function apiArchive(def: ApiDefinition, opts: { owner: string; environment: string; provider: string }): ApiArchive {
  const directory = `${def.name}-${def.version}`;
  const deployment = stringify({ type: 'deployment_environments', version: 'v4.3.0', data: [{ deploymentEnvironment: opts.environment, displayOnDevportal: true }] });
  const swagger = stringify(openApiDocument(def));
  const data = apiData(def, opts.provider, [{ name: OWNER_PROPERTY, value: opts.owner, display: false }]);
  const hash = createHash('sha256').update(stringify(data)).update('\0').update(deployment).update('\0').update(swagger).digest('hex');
  data.additionalProperties.push({ name: SPEC_HASH_PROPERTY, value: hash, display: false });
  const files = {
    [`${directory}/api.yaml`]: stringify({ type: 'api', version: 'v4.7.0', data }),
    [`${directory}/deployment_environments.yaml`]: deployment,
    [`${directory}/Definitions/swagger.yaml`]: swagger,
  };
  const bytes = zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [path, [strToU8(text), { mtime: ENTRY_DATE }]])));
  return { directory, fileName: `${directory}.zip`.replace(/[^A-Za-z0-9._-]/g, '_'), bytes, hash, files };
}

type Property = { name: string; value: string; display: boolean };

/** `data` of api.yaml, field for field as the gateway's `buildAPIData`, with apim-sync's own additional properties. */
function apiData(def: ApiDefinition, provider: string, additionalProperties: Property[]) {
  return {
    name: def.name,
    version: def.version,
    context: def.context,
    type: 'HTTP',
    transport: ['http', 'https'],
    provider,
    tags: [] as string[],
    policies: ['Unlimited'],
    securityScheme: ['oauth_basic_auth_api_key_mandatory'],
    visibility: 'PUBLIC',
    visibleRoles: [] as string[],
    visibleTenants: [] as string[],
    visibleOrganizations: ['none'],
    mediationPolicies: [] as unknown[],
    apiHubPolicies: def.policies,
    responseCachingEnabled: false,
    cacheTimeout: 300,
    hasThumbnail: false,
    isDefaultVersion: false,
    isRevision: false,
    revisionId: 0,
    enableSchemaValidation: false,
    additionalProperties,
    additionalPropertiesMap: {},
    gatewayType: 'APIPlatform',
    gatewayVendor: 'wso2',
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url: def.productionUrl }, sandbox_endpoints: { url: def.sandboxUrl } },
    endpointImplementationType: 'ENDPOINT',
    initiatedFromGateway: true,
    operations: def.operations.map((op) => ({
      id: '',
      target: op.target,
      verb: op.verb,
      authType: 'Application & Application User',
      throttlingPolicy: 'Unlimited',
      scopes: [] as unknown[],
      usedProductIds: [] as unknown[],
      payloadSchema: null,
      uriMapping: null,
      operationPolicies: { request: [] as unknown[], response: [] as unknown[], fault: [] as unknown[] },
      operationHubPolicies: op.policies,
    })),
  };
}
