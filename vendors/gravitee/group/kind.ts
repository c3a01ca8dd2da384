import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { automationClient, baseStatus } from '../automation-client.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { GroupType } from '../resource-types.ts';
import { membersInStep } from './members.ts';
import { GroupSpec } from './schema.ts';

type Json = Record<string, unknown>;

/**
 * Group → Automation API `groups`, hrid `<namespace>-<name>` (or the UUID of a legacy `spec.id`). Status `members` is
 * the number of members APIM kept: it ignores those its identity providers do not know, and says so in
 * `errors.warning`. APIs and Notifications name groups by `spec.name` (their `groupRefs`), which the dependency index
 * re-syncs when a Group changes or goes.
 */
export const groupKind: KindDefinition<GroupSpec> = {
  ...GroupType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: GroupSpec,
  failureStatus: { processingStatus: 'Failed' },
  idempotentUpsert: true,
  async connect({ object, spec }, ctx) {
    const api = new ManagementApi(await resolveContext(contextRefOf(object, spec.contextRef), ctx), ctx.http);
    const hrid = spec.id ?? hridOf(object);
    const members = spec.members.map((m) => ({ source: m.source, sourceId: m.sourceId, roles: m.roles ?? {} }));
    const payload = toAutomationSpelling('Group', { hrid, name: spec.name, notifyMembers: spec.notifyMembers ?? true, members });
    const status = (object.status ?? {}) as Json;
    return automationClient({
      api,
      collection: 'groups',
      hrid,
      hridIsUuid: Boolean(spec.id),
      identity: graviteeIdentity(api.context, 'group', { hrid, hridIsUuid: Boolean(spec.id) }),
      payload,
      toStatus: (state) => ({
        ...baseStatus(state),
        // A read may not carry the import's warnings (unknown members): they stay as the last import reported them.
        ...(state.errors ? {} : { errors: status.errors ?? { severe: [], warning: [] } }),
        members: Number(state.memberCount ?? (Array.isArray(state.members) ? state.members.length : 0)),
      }),
      upToDate: (state) =>
        state.name === payload.name &&
        (state.notifyMembers === undefined || state.notifyMembers === payload.notifyMembers) &&
        membersInStep(members, state.members, typeof status.members === 'number' ? status.members : 0),
    });
  },
};
