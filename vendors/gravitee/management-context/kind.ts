import { gkoConditions } from '../conditions.ts';
import { permanent } from '../../../shared/engine/errors.ts';
import type { ExternalClient, KindDefinition, SyncContext } from '../../../shared/engine/kind.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { ManagementApi } from '../management-api.ts';
import { graviteeReferences } from '../references.ts';
import { ApiDefinitionType, ApiV4DefinitionType, ApplicationType, ManagementContextType } from '../resource-types.ts';
import { resolveContextObject } from './resolve.ts';
import { ManagementContextSpec } from './schema.ts';

/**
 * A ManagementContext has no vendor object of its own: syncing it checks that APIM answers with its credentials
 * (GET the Management v2 environment), which GKO only checks at admission.
 */
export const managementContextKind: KindDefinition<ManagementContextSpec> = {
  ...ManagementContextType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: ManagementContextSpec,
  async connect(desired, ctx): Promise<ExternalClient> {
    return {
      async observe() {
        // Resolved here, not in connect: deleting a context must not depend on its credentials still existing.
        const api = new ManagementApi(await resolveContextObject(desired.object, ctx), ctx.http);
        const res = await api.call('GET', api.environmentV2(), { accept: [200, 404] });
        if (res.status === 404) {
          throw permanent('NotFound', `APIM has no environment ${api.context.environmentId} in organization ${api.context.organizationId}`);
        }
        return { exists: true, upToDate: true, status: {} };
      },
      create: async () => ({}),
      update: async () => ({}),
      delete: async () => {},
    };
  },
  deletionBlockers: (object, ctx) => contextUsers(object, ctx),
};

/** Resources in any namespace whose contextRef points at this context. */
async function contextUsers(context: KubeObject, ctx: SyncContext): Promise<ObjectRef[]> {
  const self = refOf(context);
  const users: ObjectRef[] = [];
  for (const type of [ApiV4DefinitionType, ApiDefinitionType, ApplicationType]) {
    for (const obj of await ctx.cluster.list(type)) {
      const uses = graviteeReferences(obj).some((r) => r.kind === self.kind && r.namespace === self.namespace && r.name === self.name);
      if (uses) users.push(refOf(obj));
    }
  }
  return users;
}
