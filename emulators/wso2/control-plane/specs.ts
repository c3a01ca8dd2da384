/**
 * The published gateway internal API (`platform-api/resources/gateway-internal-api.yaml`), read at run time from
 * `emulators/specs/wso2/api-platform/` (another folder: `common/specs.ts`) and compiled once per folder and base path.
 */
import { join } from 'node:path';
import { vendorSpecsDir } from '../../common/specs.ts';
import { loadSpec, type OpenApiContract } from '../../openapi/index.ts';

const FILE = 'platform-api-gateway-internal-api.yaml';

export const resolveInternalApiSpec = (specsDir?: string): string =>
  join(vendorSpecsDir(specsDir, 'wso2/api-platform', [FILE], 'WSO2 gateway internal API'), FILE);

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
