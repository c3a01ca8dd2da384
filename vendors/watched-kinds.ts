import type { WatchedKind } from '../shared/engine/kind.ts';
import { graviteeReferences } from './gravitee/references.ts';
import { graviteeResourceTypes } from './gravitee/resource-types.ts';
import { threescaleReferencesOf } from './threescale/watched-references.ts';
import { threescaleResourceTypes } from './threescale/resource-types.ts';
import { productWatch } from './threescale/product/watch.ts';
import { wso2WatchedKinds } from './wso2/watch.ts';

/** Every kind apim-sync syncs, as the watcher needs them: light, no vendor clients loaded. */
export const watchedKinds: WatchedKind[] = [
  ...graviteeResourceTypes.map((t) => ({ ...t, references: graviteeReferences })),
  ...threescaleResourceTypes.map((t) => ({ ...t, references: threescaleReferencesOf(t.kind), ...productWatch(t.kind) })),
  ...wso2WatchedKinds,
];
