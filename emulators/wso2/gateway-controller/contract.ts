/**
 * The published management API (`emulators/specs/wso2/api-platform/gateway-controller-management-openapi.yaml`;
 * another folder: `common/specs.ts`) with its errata, and what the emulator reads from it
 * besides validation: each operation's roles (`x-basicauth-roles`) and whether its answer may be YAML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { vendorSpecsDir } from '../../common/specs.ts';
import { createContract, parseSpecText, type OpenApiContract } from '../../openapi/index.ts';
import { applyErrata } from './errata.ts';

type Json = Record<string, unknown>;

export const BASE_PATH = '/api/management/v1';
const SPEC = 'gateway-controller-management-openapi.yaml';

interface ManagementContract {
  contract: OpenApiContract;
  /** The document as loaded (errata applied), for schema lookups. */
  document: Json;
  /** operationId → roles allowed. */
  roles: Map<string, string[]>;
  /** operationIds whose 200 answer is documented in YAML too. */
  yamlAnswers: Set<string>;
}

const cache = new Map<string, ManagementContract>();

/** Loaded once per spec file and shared by emulator instances (a contract holds no request state). */
export function managementContract(specsDir?: string): ManagementContract {
  const file = join(vendorSpecsDir(specsDir, 'wso2/api-platform', [SPEC], 'WSO2 gateway controller'), SPEC);
  let loaded = cache.get(file);
  if (!loaded) {
    const document = parseSpecText(readFileSync(file, 'utf8'), file);
    applyErrata(document);
    const roles = new Map<string, string[]>();
    const yamlAnswers = new Set<string>();
    for (const item of Object.values((document.paths ?? {}) as Record<string, Json>)) {
      for (const op of Object.values(item)) {
        if (typeof op !== 'object' || op === null || typeof (op as Json).operationId !== 'string') continue;
        const { operationId, responses } = op as { operationId: string; responses?: Record<string, { content?: Json }> };
        const allowed = (op as Json)['x-basicauth-roles'];
        roles.set(operationId, Array.isArray(allowed) ? allowed.map(String) : []);
        if (responses?.['200']?.content?.['application/yaml']) yamlAnswers.add(operationId);
      }
    }
    const contract = createContract(document, { basePaths: [BASE_PATH] });
    loaded = { contract, document, roles, yamlAnswers };
    cache.set(file, loaded);
  }
  return loaded;
}
