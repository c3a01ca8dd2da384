import { invalidSpec } from '../../../shared/engine/errors.ts';

type Json = Record<string, any>;

/** The operator builds Kubernetes names from the title (with `-<uid>`, 253 characters at most). */
const MAX_TITLE_LENGTH = 215;

/** The operations of a path item, as OpenAPI 3 names them. */
export const VERBS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/** An Invalid condition naming the document's field (the document comes from spec.openapiRef). */
export const badDocument = (field: string, problem: string) => invalidSpec('Invalid', `OpenAPI document (spec.openapiRef): ${field}: ${problem}`);

/** What the import reads of a document, checked as kin-openapi loads it; every problem names the field. */
export interface OpenAPIDocument {
  title: string;
  description?: string;
  /** servers[0].url with the server variables' defaults applied; `/` when there is no server (OAS default). */
  serverURL: string;
  paths: [path: string, item: Json][];
  security: Json[];
  securitySchemes: Json;
  extensions: Json;
}

export function documentFields(doc: Json): OpenAPIDocument {
  if (typeof doc.openapi !== 'string' || !/^3\.\d+(\.\d+)?$/.test(doc.openapi)) {
    throw badDocument('openapi', `must be an OpenAPI 3 version such as "3.0.2"${doc.swagger ? ' (Swagger 2.0 documents are not supported)' : ''}`);
  }
  if (!isObject(doc.info)) throw badDocument('info', 'is required');
  const title = doc.info.title;
  if (typeof title !== 'string' || !title.trim()) throw badDocument('info.title', 'is required');
  if (title.length > MAX_TITLE_LENGTH) throw badDocument('info.title', `must not exceed ${MAX_TITLE_LENGTH} characters (has ${title.length}): it names the generated Product and Backend`);
  if (!isObject(doc.paths)) throw badDocument('paths', 'is required (an object)');
  const paths = Object.entries(doc.paths).filter(([p]) => !p.startsWith('x-'));
  for (const [p, item] of paths) {
    if (!p.startsWith('/')) throw badDocument(`paths["${p}"]`, 'a path must begin with a slash');
    if (!isObject(item)) throw badDocument(`paths["${p}"]`, 'must be a path item (an object)');
  }
  if (doc.servers !== undefined && !Array.isArray(doc.servers)) throw badDocument('servers', 'must be a list');
  if (doc.security !== undefined && !(Array.isArray(doc.security) && doc.security.every(isObject))) throw badDocument('security', 'must be a list of security requirements');
  const description = typeof doc.info.description === 'string' && doc.info.description ? doc.info.description : undefined;
  return {
    title,
    description,
    serverURL: firstServerURL(doc.servers),
    paths,
    security: doc.security ?? [],
    securitySchemes: isObject(doc.components?.securitySchemes) ? doc.components.securitySchemes : {},
    extensions: doc,
  };
}

/** servers[0].url rendered with its variables' defaults, as the operator's RenderOpenAPIServerURL does. */
function firstServerURL(servers: unknown[] | undefined): string {
  const server = servers?.[0];
  if (server === undefined) return '/';
  if (!isObject(server) || typeof server.url !== 'string') throw badDocument('servers[0].url', 'is required');
  const variables: Json = isObject(server.variables) ? server.variables : {};
  return server.url.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = variables[name]?.default;
    if (typeof v !== 'string') throw badDocument(`servers[0].variables.${name}.default`, 'is required to render servers[0].url');
    return v;
  });
}
