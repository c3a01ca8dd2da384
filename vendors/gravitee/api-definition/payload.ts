import type { Desired, SyncContext } from '../../../shared/engine/kind.ts';
import { resolveApiReferences, type ApiPayload } from '../api-references.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { planCrossId } from './ids.ts';
import type { ApiDefinitionSpec } from './schema.ts';

/** Kubernetes-side fields the Management v1 import does not take (references are resolved here). */
const LOCAL_FIELDS = ['contextRef', 'local', 'groupRefs', 'notificationsRefs'];

/**
 * The Management v1 `apis/import-crd` body from the resource, as GKO builds it: ids derived from the resource's
 * identity (so a redelivered import updates the same API), plan cross ids derived from the API's, GKO's definition
 * context, and references (ApiResources, Groups, Notifications) resolved into the body.
 */
export async function apiV2Payload(
  { object, spec }: Desired<ApiDefinitionSpec>,
  ids: { id: string; crossId: string },
  ctx: SyncContext,
): Promise<ApiPayload> {
  const body: Record<string, unknown> = { ...spec, id: ids.id, crossId: ids.crossId };
  for (const f of LOCAL_FIELDS) delete body[f];
  body.plans = (spec.plans ?? []).map((p) => ({ ...p, crossId: planCrossId(ids.crossId, p) }));
  body.definition_context = definitionContext(spec);
  const resolved = await resolveApiReferences(object, spec, body, ctx);
  return { ...resolved, body: toAutomationSpelling('ApiDefinition', resolved.body) };
}

/**
 * GKO's EnsureDefinitionContext: origin kubernetes, fully managed; the gateway syncs from APIM unless the API is local
 * and does not ask for MANAGEMENT itself.
 */
function definitionContext(spec: ApiDefinitionSpec): Record<string, unknown> {
  const given = (spec.definition_context ?? {}) as Record<string, unknown>;
  const askedManagement = typeof given.syncFrom === 'string' && given.syncFrom.toLowerCase() === 'management';
  return { mode: 'fully_managed', origin: 'kubernetes', ...given, syncFrom: !spec.local || askedManagement ? 'MANAGEMENT' : 'KUBERNETES' };
}
