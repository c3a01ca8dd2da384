import type { Desired, SyncContext } from '../../../shared/engine/kind.ts';
import { resolveApiReferences, type ApiPayload } from '../api-references.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { childHrid } from '../hrid.ts';
import type { ApiV4DefinitionSpec } from './schema.ts';

/** Kubernetes-side fields APIM does not take (references are resolved here, ids are APIM's). */
const LOCAL_FIELDS = ['contextRef', 'groupRefs', 'notificationsRefs', 'id', 'crossId', 'hrid', 'definitionVersion'];

/**
 * The Automation API's ApiV4Spec from the resource, as GKO builds it: plans and pages maps become lists keyed by
 * hrid, the CRD's defaults are applied again in case the cluster's CRD lacks them, references (ApiResources,
 * shared policy groups, Groups, Notifications) are resolved into the body, and values are spelled as the spec's enums.
 */
export async function apiV4Payload({ object, spec }: Desired<ApiV4DefinitionSpec>, hrid: string, ctx: SyncContext): Promise<ApiPayload> {
  const body: Record<string, unknown> = { ...spec };
  for (const f of LOCAL_FIELDS) delete body[f];
  body.hrid = hrid;
  body.lifecycleState = spec.lifecycleState ?? 'UNPUBLISHED';
  body.state = spec.state ?? 'STARTED';
  // GKO merges what the resource sets over its default context.
  body.definitionContext = { origin: 'KUBERNETES', syncFrom: 'MANAGEMENT', ...spec.definitionContext };
  body.plans = Object.entries(spec.plans ?? {}).map(([key, plan]) => {
    const { definitionVersion: _v, id: _id, ...rest } = plan as Record<string, unknown>;
    return { status: 'PUBLISHED', type: 'API', mode: 'STANDARD', validation: 'AUTO', ...rest, hrid: childHrid(key) };
  });
  body.pages = Object.entries(spec.pages ?? {}).map(([key, page]) => {
    const { parentId: _p, parent, id: _id, ...rest } = page as Record<string, unknown>;
    return { visibility: 'PUBLIC', name: key, ...rest, hrid: childHrid(key), ...(typeof parent === 'string' ? { parentHrid: childHrid(parent) } : {}) };
  });
  const resolved = await resolveApiReferences(object, spec, body, ctx);
  return { ...resolved, body: toAutomationSpelling('ApiV4Definition', resolved.body) };
}
