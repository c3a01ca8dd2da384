import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { hridOf } from '../hrid.ts';
import type { ResolvedContext } from '../management-api.ts';
import { nameUuid } from '../uuid-v3.ts';

/**
 * A v2 API's ids with a context: those APIM's Automation API would derive for its hrid, so a redelivered import
 * updates the same API, and a Subscription addresses it without a lookup.
 */
export function apimIds(object: KubeObject, spec: { id?: string; crossId?: string }, context: Pick<ResolvedContext, 'organizationId' | 'environmentId'>) {
  const crossId = spec.crossId ?? nameUuid(context.organizationId + hridOf(object));
  return { crossId, id: spec.id ?? nameUuid(crossId + context.environmentId) };
}

/** A v2 plan's crossId: its own, else derived from its API's and its name. */
export const planCrossId = (apiCrossId: string, plan: { name: string; crossId?: string }): string => plan.crossId ?? nameUuid(apiCrossId + plan.name);
