/**
 * An API project archive as `POST /apis/import` reads it (carbon-apimgt `ImportUtils`): one top folder
 * (`{name}-{version}/`) holding `api.yaml` (or `api.json`) whose `data` is the API, optionally
 * `deployment_environments.yaml` (`data: [{deploymentEnvironment, deploymentVhost?, displayOnDevportal?}]`), and
 * the API definition `Definitions/swagger.yaml` (or `.json`). Unzipped with fflate; YAML and JSON read with `yaml`.
 */
import { unzipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import {
  archiveUnreadable,
  definitionFileMissing,
  openApiMalformed,
  openApiNoInfoOrPaths,
  openApiUnrecognized,
} from './errors.ts';

type Json = Record<string, unknown>;

export interface ArchiveDeployment {
  name: string;
  vhost?: string;
  displayOnDevportal: boolean;
}

export interface ApiArchive {
  /** The top folder, e.g. `PetStore-v1.0`. */
  root: string;
  /** `data` of api.yaml. */
  api: Json;
  /** Environments of `deployment_environments.yaml`; empty when the file is absent. */
  deployments: ArchiveDeployment[];
  /** The OpenAPI document of `Definitions/`. */
  definition: Json;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readApiArchive(bytes: Uint8Array): ApiArchive {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw archiveUnreadable(`Error occurred while extracting the archive: ${(e as Error).message}`);
  }
  const names = Object.keys(files).filter((n) => !n.endsWith('/'));
  if (names.length === 0) throw archiveUnreadable('Error occurred while extracting the archive: the archive is empty');
  // As CommonUtil.extractArchive: the project is the folder of the first entry.
  const root = names[0]!.split('/')[0]!;
  const text = (relative: string): string | undefined => {
    const entry = files[`${root}/${relative}`];
    return entry ? new TextDecoder().decode(entry) : undefined;
  };

  const apiText = text('api.yaml') ?? text('api.json');
  if (apiText === undefined) throw definitionFileMissing();
  const apiFile = parseStructured(apiText, `${root}/api.yaml`);
  if (isObject(apiFile) && apiFile.type !== undefined && apiFile.type !== 'api') {
    throw archiveUnreadable(`${root}/api.yaml describes a '${String(apiFile.type)}', not an API`);
  }
  if (!isObject(apiFile) || !isObject(apiFile.data)) throw archiveUnreadable(`${root}/api.yaml has no 'data' object describing the API`);

  return {
    root,
    api: apiFile.data,
    deployments: readDeployments(text('deployment_environments.yaml') ?? text('deployment_environments.json'), root),
    definition: readDefinition(text('Definitions/swagger.yaml') ?? text('Definitions/swagger.json')),
  };
}

function parseStructured(source: string, file: string): unknown {
  try {
    return parseYaml(source, { maxAliasCount: 100 });
  } catch (e) {
    throw archiveUnreadable(`Error while reading API meta information from ${file}: ${(e as Error).message}`);
  }
}

function readDeployments(source: string | undefined, root: string): ArchiveDeployment[] {
  if (source === undefined) return [];
  const file = `${root}/deployment_environments.yaml`;
  const parsed = parseStructured(source, file);
  const data = isObject(parsed) ? parsed.data : undefined;
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data)) throw archiveUnreadable(`${file}: 'data' must be a list of deployment environments`);
  return data.map((entry, i) => {
    const name = isObject(entry) ? entry.deploymentEnvironment : undefined;
    if (typeof name !== 'string' || !name) throw archiveUnreadable(`${file}: data[${i}].deploymentEnvironment is required`);
    const vhost = (entry as Json).deploymentVhost;
    const display = (entry as Json).displayOnDevportal;
    return {
      name,
      vhost: typeof vhost === 'string' && vhost ? vhost : undefined,
      // ImportUtils: absent means true
      displayOnDevportal: display === undefined || display === null ? true : display === true || display === 'true',
    };
  });
}

/** `retrieveValidatedSwaggerDefinitionFromArchive`: present, parsable, OpenAPI 3 or Swagger 2, with info and paths. */
function readDefinition(source: string | undefined): Json {
  if (source === undefined) {
    throw archiveUnreadable('Swagger Definition (swagger.json or swagger.yaml) is not found inside the archive');
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(source, { maxAliasCount: 100 });
  } catch {
    throw openApiMalformed('The provided OpenAPI definition is not parsable as a valid JSON or YAML.');
  }
  if (!isObject(parsed)) throw openApiMalformed('The provided OpenAPI definition is not parsable as a valid JSON or YAML.');
  const openapi = parsed.openapi;
  const swagger = parsed.swagger;
  if (!(typeof openapi === 'string' && openapi.startsWith('3.')) && String(swagger) !== '2.0') {
    throw openApiUnrecognized('The definition is parsable but cannot be identified as an OpenAPI definition.');
  }
  if (!isObject(parsed.info) || !isObject(parsed.paths)) throw openApiNoInfoOrPaths();
  return parsed;
}
