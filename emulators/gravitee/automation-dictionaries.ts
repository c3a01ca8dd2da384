/** Automation API: dictionaries (`PUT dictionaries`, `GET`/`DELETE dictionaries/{hrid}`). */
import { collectionHandlers } from './automation-collection.ts';
import { ApimError } from './errors.ts';
import type { Handler, RequestContext } from './handler.ts';
import type { Json } from './store.ts';

const present = (v: unknown) => v !== undefined && v !== null;

/**
 * APIM `ValidateDictionaryDomainService`, run before the dry-run branch, so it answers 400 `invalid` in both (a
 * `ValidationDomainException`, not import errors in the state).
 */
function validate(_ctx: RequestContext, spec: Json) {
  const manual = (spec.manual ?? undefined) as Json | undefined;
  const dynamic = (spec.dynamic ?? undefined) as Json | undefined;
  const properties = manual?.properties as Json | undefined;
  const refuse = (message: string) => {
    throw new ApimError(400, message, 'invalid');
  };
  if (spec.type === 'MANUAL') {
    if (!properties || Object.keys(properties).length === 0) refuse('Manual dictionary must have at least one property.');
    if (present(dynamic?.provider) || present(dynamic?.trigger)) {
      refuse("Manual dictionary must not have 'dynamic' properties (provider, trigger). Set type to 'DYNAMIC' or remove them.");
    }
  } else if (spec.type === 'DYNAMIC') {
    if (!present(dynamic?.provider) || !present(dynamic?.trigger)) refuse('Dynamic dictionary must have a provider and a trigger.');
    if (properties && Object.keys(properties).length > 0) refuse("Dynamic dictionary must not have 'manual' properties. Set type to 'MANUAL' or remove them.");
  }
  return { severe: [], warning: [] };
}

/** APIM's `DictionaryState`: no crossId; a manual dictionary's properties always present, a dynamic one's provider and trigger. */
function answer(state: Json): Json {
  const { crossId: _x, manual, dynamic, ...rest } = state;
  return state.type === 'MANUAL' ? { ...rest, manual: { properties: (manual as Json | undefined)?.properties ?? {} } } : { ...rest, dynamic };
}

export const dictionaryHandlers: Record<string, Handler> = collectionHandlers({
  collection: 'dictionaries',
  operations: { upsert: 'createOrUpdateDictionaries', get: 'getDictionary', remove: 'deleteDictionary' },
  validate,
  answer,
});
