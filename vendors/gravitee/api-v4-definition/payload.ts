import type { Desired, SyncContext } from '../../../shared/engine/kind.ts';
import type { ApiPayload } from '../api-definition/payload.ts';
import { childHrid } from '../hrid.ts';
import type { ApiV4DefinitionSpec } from './schema.ts';

/** Kubernetes-side fields APIM does not take (references are resolved here, ids are APIM's). */
const LOCAL_FIELDS = ['contextRef', 'groupRefs', 'notificationsRefs', 'id', 'crossId', 'hrid', 'definitionVersion'];

/**
 * The Automation API's ApiV4Spec from the resource, as GKO builds it: plans and pages maps become lists keyed by
 * hrid, and the CRD's defaults are applied again in case the cluster's CRD lacks them.
 */
export async function apiV4Payload({ spec }: Desired<ApiV4DefinitionSpec>, hrid: string, _ctx: SyncContext): Promise<ApiPayload> {
  const body: Record<string, unknown> = { ...spec };
  for (const f of LOCAL_FIELDS) delete body[f];
  body.hrid = hrid;
  body.lifecycleState = spec.lifecycleState ?? 'UNPUBLISHED';
  body.state = spec.state ?? 'STARTED';
  body.definitionContext = spec.definitionContext ?? { origin: 'KUBERNETES', syncFrom: 'MANAGEMENT' };
  body.plans = Object.entries(spec.plans ?? {}).map(([key, plan]) => {
    const { definitionVersion: _v, id: _id, ...rest } = plan as Record<string, unknown>;
    return { status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', ...rest, hrid: childHrid(key) };
  });
  body.pages = Object.entries(spec.pages ?? {}).map(([key, page]) => {
    const { parentId: _p, parent, id: _id, ...rest } = page as Record<string, unknown>;
    return { visibility: 'PUBLIC', name: key, ...rest, hrid: childHrid(key), ...(typeof parent === 'string' ? { parentHrid: childHrid(parent) } : {}) };
  });
  return { body };
}
