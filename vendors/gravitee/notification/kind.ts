import type { KindDefinition, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { GROUP_NOT_FOUND, gkoConditions } from '../conditions.ts';
import { noVendorObject } from '../no-vendor-object.ts';
import { graviteeReferences, refTo } from '../references.ts';
import { ApiDefinitionType, ApiV4DefinitionType, GroupType, NotificationType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
import { NotificationSpec } from './schema.ts';

/** The `console.groupRefs` that name no Group in the cluster, as GKO words them. */
async function missingGroups(object: KubeObject, spec: NotificationSpec, ctx: SyncContext): Promise<string[]> {
  const ns = object.metadata.namespace ?? 'default';
  const missing: string[] = [];
  for (const ref of spec.console.groupRefs ?? []) {
    const group = refTo(GroupType, ref, ns)!;
    if (!(await ctx.cluster.get(group))) missing.push(`Group ${group.namespace}/${group.name} could not be found`);
  }
  return missing;
}

/**
 * Notification: no APIM object (GKO makes no call); an API's `notificationsRefs` turns it into the API's
 * `consoleNotification`. Its sync checks the Groups it references, which the watcher re-checks when they appear.
 */
export const notificationKind: KindDefinition<NotificationSpec> = {
  ...NotificationType,
  references: graviteeReferences,
  // A missing Group leaves ResolvedRefs False (GroupNotFound) while the Notification stays Accepted, as in GKO.
  conditions: gkoConditions,
  schema: NotificationSpec,
  // GKO keeps the finalizer while an API references it; here the deletion waits.
  deletionBlockers: (object, ctx) => usersOf(object, [ApiV4DefinitionType, ApiDefinitionType], ctx),
  async connect({ object, spec }, ctx) {
    const missing = await missingGroups(object, spec, ctx);
    return noVendorObject(missing.length ? { notes: { [GROUP_NOT_FOUND]: missing.join('; ') } } : {});
  },
};
