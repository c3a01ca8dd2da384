import type { Desired, SyncContext } from '../../../shared/engine/kind.ts';
import { nameUuid } from '../uuid-v3.ts';
import type { ApiDefinitionSpec } from './schema.ts';

/** Kubernetes-side fields the Management v1 import does not take (references are resolved here). */
const LOCAL_FIELDS = ['contextRef', 'local', 'groupRefs', 'notificationsRefs'];

/** What goes to APIM, and what resolving it noted for the user's eyes (ExternalClient.notes). */
export interface ApiPayload {
  body: Record<string, unknown>;
  notes?: Record<string, string>;
}

/**
 * The Management v1 `apis/import-crd` body from the resource, as GKO builds it: ids derived from the resource's
 * identity (so a redelivered import updates the same API) and plan cross ids derived from the API's.
 */
export async function apiV2Payload(
  { spec }: Desired<ApiDefinitionSpec>,
  ids: { id: string; crossId: string },
  _ctx: SyncContext,
): Promise<ApiPayload> {
  const body: Record<string, unknown> = { ...spec, id: ids.id, crossId: ids.crossId };
  for (const f of LOCAL_FIELDS) delete body[f];
  body.plans = (spec.plans ?? []).map((p) => ({ ...p, crossId: p.crossId ?? nameUuid(ids.crossId + p.name) }));
  return { body };
}
