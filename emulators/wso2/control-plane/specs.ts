/**
 * The published gateway internal API (`platform-api/resources/gateway-internal-api.yaml`), read at run time from
 * `emulators/specs/wso2/api-platform/` (override: option `specsDir` or env `APIM_SYNC_SPECS_DIR`, pointing at
 * `specs/`, `specs/wso2/` or `specs/wso2/api-platform/`) and compiled once per folder and base path.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpec, type OpenApiContract } from '../../openapi/index.ts';

const FILE = 'platform-api-gateway-internal-api.yaml';

export function resolveInternalApiSpec(specsDir?: string): string {
  const dir = specsDir ?? process.env.APIM_SYNC_SPECS_DIR ?? fileURLToPath(new URL('../../specs/', import.meta.url));
  for (const sub of ['', 'api-platform', join('wso2', 'api-platform')]) {
    const file = join(dir, sub, FILE);
    if (existsSync(file)) return file;
  }
  throw new Error(`WSO2 gateway internal API spec not found in ${dir} (expected ${FILE} there, in api-platform/ or in wso2/api-platform/)`);
}

const cache = new Map<string, OpenApiContract>();

/**
 * The contract mounted at `basePath`: the Platform API serves it at `/api/internal/v1` (its `servers`), APIM 4.7
 * at `/internal/data/v1` (what its well-known names), with the same operations.
 */
export function internalApiContract(basePath: string, specsDir?: string): OpenApiContract {
  const file = resolveInternalApiSpec(specsDir);
  const key = `${file}\u0000${basePath}`;
  let contract = cache.get(key);
  if (!contract) {
    contract = loadSpec(file, { basePaths: [basePath] });
    cache.set(key, contract);
  }
  return contract;
}
