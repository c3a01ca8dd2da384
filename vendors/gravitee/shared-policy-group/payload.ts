import { toAutomationSpelling } from '../automation-spelling.ts';
import type { SharedPolicyGroupSpec } from './schema.ts';

/**
 * The Automation API's SharedPolicyGroupSpec. Description, prerequisite message and steps are always sent, empty when
 * the resource has none: APIM keeps its current value for a field left out of an update, so removing one from the
 * resource would otherwise never reach APIM. `crossId` is not sent: the published spec has no such field (APIM
 * derives it from the hrid, and its handling of one sent with an hrid differs between versions).
 */
export function sharedPolicyGroupPayload(spec: SharedPolicyGroupSpec, hrid: string): Record<string, unknown> {
  const { contextRef: _c, crossId: _x, hrid: _h, ...fields } = spec;
  return toAutomationSpelling('SharedPolicyGroup', { ...fields, hrid, description: spec.description ?? '', prerequisiteMessage: spec.prerequisiteMessage ?? '', steps: spec.steps });
}
