import type { WatchedKind } from '../../../shared/engine/kind.ts';
import { backendAliases } from '../backend-alias.ts';
import { productReferences } from './references.ts';
import { productAliases } from '../product-alias.ts';

/** What the watcher needs besides the common 3scale references: a Product's backends, a Backend's and a Product's system names. */
export function productWatch(kind: string): Partial<Pick<WatchedKind, 'references' | 'aliases'>> {
  if (kind === 'Product') return { references: productReferences, aliases: productAliases };
  if (kind === 'Backend') return { aliases: backendAliases };
  return {};
}
