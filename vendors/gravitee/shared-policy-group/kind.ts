import { invalidSpec } from '../../../shared/engine/errors.ts';
import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { isSubset } from '../../../shared/engine/status-patch.ts';
import { automationClient, baseStatus } from '../automation-client.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { ApiV4DefinitionType, SharedPolicyGroupType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { nameUuid } from '../uuid-v3.ts';
import { sharedPolicyGroupPayload } from './payload.ts';
import { SharedPolicyGroupSpec } from './schema.ts';

type Json = Record<string, unknown>;

/**
 * GKO's admission refuses changing `apiType`, `phase` or `crossId` once the group exists; APIM keeps its apiType and
 * phase on an update whatever is sent. Compared with what APIM holds, so the refusal also stands after a restart.
 */
function refuseImmutableChanges(spec: SharedPolicyGroupSpec, state: Json): void {
  const changed = (['apiType', 'phase'] as const).find((f) => state[f] !== undefined && state[f] !== spec[f]);
  if (changed) {
    throw invalidSpec('InvalidSpec', `spec.${changed}: cannot change once the shared policy group is created (APIM holds ${String(state[changed])}); delete and recreate the resource to change it`);
  }
  if (spec.crossId && state.crossId !== spec.crossId) {
    throw invalidSpec('InvalidSpec', `spec.crossId: cannot change once the shared policy group is created (APIM holds ${String(state.crossId)})`);
  }
}

/**
 * SharedPolicyGroup → Automation API `shared-policy-groups`, hrid `<namespace>-<name>`. APIs reference it by the
 * crossId in its status. Observed before every write (no blind upsert), so an immutable field changed in the spec
 * is refused before APIM silently keeps the old value.
 */
export const sharedPolicyGroupKind: KindDefinition<SharedPolicyGroupSpec> = {
  ...SharedPolicyGroupType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: SharedPolicyGroupSpec,
  failureStatus: { processingStatus: 'Failed' },
  // GKO refuses the deletion while an ApiV4Definition's flows use it; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [ApiV4DefinitionType], ctx),
  async connect({ object, spec }, ctx) {
    const api = new ManagementApi(await resolveContext(contextRefOf(object, spec.contextRef), ctx), ctx.http);
    const hrid = hridOf(object);
    const payload = sharedPolicyGroupPayload(spec, hrid);
    const client = automationClient({
      api,
      collection: 'shared-policy-groups',
      hrid,
      identity: graviteeIdentity(api.context, 'shared-policy-group', { hrid }),
      payload,
      toStatus: (state) => ({ ...baseStatus(state), crossId: state.crossId }),
      upToDate: (state) => {
        refuseImmutableChanges(spec, state);
        return isSubset(payload, state);
      },
    });
    return {
      ...client,
      // A new group's crossId is APIM's `v3(organization + hrid)`: a different one in the spec can never be held.
      async create() {
        refuseImmutableChanges(spec, { crossId: nameUuid(`${api.context.organizationId}${hrid}`) });
        return client.create();
      },
    };
  },
};
