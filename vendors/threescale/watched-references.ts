import type { WatchedKind } from '../../shared/engine/kind.ts';
import { developerUserReferences } from './developer-user/references.ts';
import { threescaleReferences } from './references.ts';
import { activeDocReferences } from './active-doc/references.ts';

/** What the watcher indexes for each 3scale kind: the common references, plus a DeveloperUser's own. */
export function threescaleReferencesOf(kind: string): WatchedKind['references'] {
  if (kind === 'ActiveDoc') return activeDocReferences;
  return kind === 'DeveloperUser' ? developerUserReferences : threescaleReferences;
}
