import { missingReference } from '../../../shared/engine/errors.ts';
import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { AdminApi } from '../admin-api.ts';
import { threescaleConditions } from '../conditions.ts';
import { resolveProviderAccount } from '../provider-account.ts';
import { isReady } from '../ready.ts';
import { ApplicationAuthType, ApplicationType } from '../resource-types.ts';
import { applicationAuthClient } from './client.ts';
import { readCredentials, writeCredentials } from './credentials.ts';
import { applicationAuthFailure } from './failure-message.ts';
import { applicationAuthReferences } from './references.ts';
import { ApplicationAuthSpec } from './schema.ts';

/** ApplicationAuth → the user key or application key of its Application, from (or generated into) its Secret. */
export const applicationAuthKind: KindDefinition<ApplicationAuthSpec> = {
  ...ApplicationAuthType,
  references: applicationAuthReferences,
  schema: ApplicationAuthSpec,
  conditions: threescaleConditions('Ready', { types: ['Failed'], failedMessage: applicationAuthFailure }),
  async connect({ object, spec }, ctx) {
    const ns = object.metadata.namespace ?? 'default';
    const provider = await resolveProviderAccount(object, ctx);
    const api = new AdminApi(provider, ctx.http);
    // Deleting: the keys stay with the application (the operator's CR is one-shot, without a finalizer).
    if (object.metadata.deletionTimestamp) return applicationAuthClient(api, { appPath: '', credentials: {}, generate: false, writeBack: async () => {} });
    const app = await ctx.cluster.get({ ...ApplicationType, namespace: ns, name: spec.applicationCRName });
    const where = `Application ${ns}/${spec.applicationCRName} (spec.applicationCRName)`;
    if (!app) throw missingReference(`${where} not found`);
    const { applicationID, accountID, providerAccountHost } = app.status ?? {};
    if (!isReady(app) || typeof applicationID !== 'number' || typeof accountID !== 'number') throw missingReference(`${where} is not Ready yet`);
    if (providerAccountHost !== provider.adminURL) throw missingReference(`${where} belongs to another tenant than this object's provider account`);
    const secret = spec.authSecretRef.name;
    // No identity: it adds a key to an application its Application resource owns (application keys accumulate, and
    // several ApplicationAuths of one application are how keys are added), an action rather than an object of its own.
    return applicationAuthClient(api, {
      appPath: `/admin/api/accounts/${accountID}/applications/${applicationID}`,
      credentials: await readCredentials(ctx, ns, secret),
      generate: spec.generateSecret,
      writeBack: (values) => writeCredentials(ctx, ns, secret, values),
    });
  },
};
