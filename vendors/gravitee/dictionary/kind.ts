import type { KindDefinition } from '../../../shared/engine/kind.ts';
import { isSubset } from '../../../shared/engine/status-patch.ts';
import { automationClient, objectStatus } from '../automation-client.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { gkoConditions } from '../conditions.ts';
import { hridOf } from '../hrid.ts';
import { graviteeIdentity } from '../identity.ts';
import { ManagementApi } from '../management-api.ts';
import { contextRefOf, resolveContext } from '../management-context/resolve.ts';
import { graviteeReferences } from '../references.ts';
import { DictionaryType } from '../resource-types.ts';
import { DictionarySpec } from './schema.ts';

type Json = Record<string, unknown>;

const keysOf = (v: unknown): string[] => (typeof v === 'object' && v !== null ? Object.keys(v).sort() : []);

/**
 * Dictionary → Automation API `dictionaries`, hrid `<namespace>-<name>` (GKO 4.12+). A manual dictionary's
 * properties are its content: a key added in the console is drift, which a subset comparison would not see.
 */
export const dictionaryKind: KindDefinition<DictionarySpec> = {
  ...DictionaryType,
  references: graviteeReferences,
  conditions: gkoConditions,
  schema: DictionarySpec,
  idempotentUpsert: true,
  async connect({ object, spec }, ctx) {
    const api = new ManagementApi(await resolveContext(contextRefOf(object, spec.contextRef), ctx), ctx.http);
    const hrid = hridOf(object);
    const { contextRef: _c, ...fields } = spec;
    const payload = toAutomationSpelling('Dictionary', { ...fields, hrid });
    const properties = (state: Json) => (state.manual as Json | undefined)?.properties;
    return automationClient({
      api,
      collection: 'dictionaries',
      hrid,
      identity: graviteeIdentity(api.context, 'dictionary', { hrid }),
      payload,
      // The CRD's status has no crossId (APIM's DictionaryState has none either).
      toStatus: objectStatus,
      upToDate: (state) => isSubset(payload, state) && keysOf(properties(payload)).join('\n') === keysOf(properties(state)).join('\n'),
    });
  },
};
