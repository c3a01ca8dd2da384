/**
 * The contracts APIM 4.7 is checked against: the published DCR and Publisher v4 specs, read at run time from
 * `emulators/specs/wso2/apim/` (another folder: `common/specs.ts`) and patched with the errata below, and the token
 * endpoint's contract, which nothing publishes: `oauth2-token.openapi.yaml` beside this file. Compiled once per folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorSpecsDir } from '../../common/specs.ts';
import { createAjv, toViolations, type ValidateFunction } from '../../openapi/ajv.ts';
import { createContract, loadSpec, objectAt, parseSpecText, type OpenApiContract, type Violation } from '../../openapi/index.ts';

type Json = Record<string, unknown>;

const PUBLISHER = 'publisher-api-v4.yaml';
const DCR = 'dcr.yaml';
const API_SCHEMA_ID = 'urn:wso2-apim:publisher-v4';

export interface ApimContracts {
  dcr: OpenApiContract;
  publisher: OpenApiContract;
  token: OpenApiContract;
  /** Scopes any operation of the Publisher or DCR spec names (an admin may be granted all of them). */
  knownScopes: string[];
  /** Publisher operationId → the OAuth2 scopes of its `security`, any one of which suffices. */
  publisherScopes: Map<string, string[]>;
  /** Validates the `data` of an archive's `api.yaml` against the Publisher's `API` schema. */
  validateApiData(data: unknown): Violation[];
}

/**
 * Errata: where the published specs and APIM 4.7 (carbon-apimgt, which serves them) disagree.
 * - DCR `saasApp` is typed string, but carbon's `RegistrationProfile.saasApp` is a boolean and both specs'
 *   own descriptions send `"saasApp": true`: either is accepted.
 * - Publisher `POST /apis/import` does not declare `dryRun` and `preservePortalConfigurations`, which APIM 4.5+
 *   reads (the API Platform gateway sends `dryRun=false`): declared as the booleans they are.
 */
function patchDcr(doc: Json): void {
  const saasApp = objectAt(doc, 'components', 'schemas', 'DCR', 'properties', 'saasApp');
  if (saasApp) saasApp.type = ['boolean', 'string'];
}

function patchPublisher(doc: Json): void {
  const importOp = objectAt(doc, 'paths', '/apis/import', 'post');
  if (!importOp) return;
  const params = (importOp.parameters ??= []) as Json[];
  for (const name of ['dryRun', 'preservePortalConfigurations']) {
    if (params.some((p) => p.name === name)) continue; // fixed upstream
    params.push({ name, in: 'query', required: false, schema: { type: 'boolean' } });
  }
}

const cache = new Map<string, ApimContracts>();

export function apimContracts(specsDir?: string): ApimContracts {
  const dir = vendorSpecsDir(specsDir, 'wso2/apim', [PUBLISHER, DCR], 'WSO2 APIM');
  let contracts = cache.get(dir);
  if (!contracts) {
    contracts = load(dir);
    cache.set(dir, contracts);
  }
  return contracts;
}

function load(dir: string): ApimContracts {
  const dcrDoc = readDoc(join(dir, DCR));
  patchDcr(dcrDoc);
  const publisherDoc = readDoc(join(dir, PUBLISHER));
  patchPublisher(publisherDoc);
  const knownScopes = new Set([...declaredScopes(dcrDoc), ...declaredScopes(publisherDoc)]);
  const publisherScopes = operationScopes(publisherDoc);
  const dcr = createContract(dcrDoc);
  // createContract rewrites the document into plain JSON Schema, which the api.yaml validator then reuses.
  const publisher = createContract(publisherDoc);
  const token = loadSpec(new URL('./oauth2-token.openapi.yaml', import.meta.url));
  const validateApi = compileApiSchema(publisherDoc);
  return {
    dcr,
    publisher,
    token,
    knownScopes: [...knownScopes].sort(),
    publisherScopes,
    validateApiData: (data) => (validateApi(data) ? [] : toViolations('body', validateApi.errors)),
  };
}

function readDoc(path: string): Json {
  return parseSpecText(readFileSync(path, 'utf8'), path);
}

function declaredScopes(doc: Json): string[] {
  const out: string[] = [];
  for (const scheme of Object.values(objectAt(doc, 'components', 'securitySchemes') ?? {})) {
    for (const flow of Object.values(((scheme as Json).flows ?? {}) as Json)) {
      out.push(...Object.keys(((flow as Json).scopes ?? {}) as Json));
    }
  }
  return out;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Read before the contract is built, which rewrites the document. */
function operationScopes(doc: Json): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const global = doc.security;
  for (const item of Object.values(objectAt(doc, 'paths') ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op || typeof op.operationId !== 'string') continue;
      const requirements = (op.security ?? global ?? []) as Json[];
      out.set(op.operationId, [...new Set(requirements.flatMap((req) => Object.values(req).flatMap((s) => (Array.isArray(s) ? s.map(String) : []))))]);
    }
  }
  return out;
}

function compileApiSchema(normalizedDoc: Json): ValidateFunction {
  return createAjv('strict', API_SCHEMA_ID, normalizedDoc).compile({ $ref: `${API_SCHEMA_ID}#/components/schemas/API` });
}
