/**
 * The contracts the emulator serves, each with its handlers. Published specs are read at run time from
 * `emulators/specs/gravitee/` (copies of the published files; another folder: `common/specs.ts`).
 */
import { join } from 'node:path';
import { vendorSpecsDir } from '../common/specs.ts';
import { loadSpec, type OpenApiContract } from '../openapi/index.ts';
import { automationApis } from './automation-apis.ts';
import { automationApplications } from './automation-applications.ts';
import { automationKindHandlers } from './automation-kinds.ts';
import type { ApiArea } from './errors.ts';
import type { Handler } from './handler.ts';
import { managementV1Apis, managementV2Apis, managementV2Installation } from './management.ts';

/** Canonical mount of a contract: the path prefix its base paths start with. */
export type Mount = '/management' | '/automation';

export interface ServedContract {
  name: string;
  mount: Mount;
  area: ApiArea;
  contract: OpenApiContract;
  handlers: Record<string, Handler>;
}

const AUTOMATION_SPEC = 'automation-open-api.yaml';

const cache = new Map<string, ServedContract[]>();

/** Loaded once per specs folder and shared by emulator instances (contracts hold no request state). */
export function servedContracts(specsDir?: string): ServedContract[] {
  const dir = vendorSpecsDir(specsDir, 'gravitee', [AUTOMATION_SPEC], 'Gravitee');
  let served = cache.get(dir);
  if (!served) {
    served = [
      {
        name: 'automation',
        mount: '/automation',
        area: 'automation',
        // The spec's server is Gravitee Cloud's `/apim/automation`; APIM itself mounts it at `/automation`.
        contract: loadSpec(join(dir, AUTOMATION_SPEC), { basePaths: ['/automation'] }),
        handlers: { ...automationApis.handlers, ...automationApplications.handlers, ...automationKindHandlers },
      },
      served2('management-v2-installation', join(dir, 'management-v2-openapi-installation.yaml'), managementV2Installation.handlers),
      served2('management-v2-apis', join(dir, 'management-v2-openapi-apis.yaml'), managementV2Apis.handlers),
      {
        name: 'management-v1',
        mount: '/management',
        area: 'management-v1',
        contract: loadSpec(new URL('./management-v1-apis.openapi.yaml', import.meta.url)),
        handlers: managementV1Apis.handlers,
      },
    ];
    cache.set(dir, served);
  }
  return served;
}

function served2(name: string, file: string, handlers: Record<string, Handler>): ServedContract {
  return { name, mount: '/management', area: 'management-v2', contract: loadSpec(file), handlers };
}
