import { gkoConditions } from '../conditions.ts';
import { permanent } from '../../../shared/engine/errors.ts';
import type { ExternalClient, KindDefinition } from '../../../shared/engine/kind.ts';
import { ManagementApi } from '../management-api.ts';
import { graviteeReferences } from '../references.ts';
import { ApiDefinitionType, ApiV4DefinitionType, ApplicationType, DictionaryType, GroupType, ManagementContextType, PortalType, SharedPolicyGroupType } from '../resource-types.ts';
import { usersOf } from '../users.ts';
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
  // No identity: it checks that APIM's environment answers; the objects are its users', each named by its own sync.
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
  // Every kind with a contextRef; listings, links and pages reach APIM through their Portal or API.
  deletionBlockers: (object, ctx) =>
    usersOf(object, [ApiV4DefinitionType, ApiDefinitionType, ApplicationType, SharedPolicyGroupType, GroupType, DictionaryType, PortalType], ctx),
};
