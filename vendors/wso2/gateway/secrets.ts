import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET } from '../../../shared/kube/object-ref.ts';
import { readKey } from '../value-source.ts';
import type { SecretKey } from './config.ts';

/**
 * One value of a Secret in the APIGateway's namespace (or an inline value of the values block). A missing Secret or
 * key is a missing reference: retried, then re-triggered by the watcher when it appears. The value is never logged.
 */
export async function readSecretKey(namespace: string, source: SecretKey | { value: string }, what: string, ctx: SyncContext): Promise<string> {
  if ('value' in source) return source.value;
  return readKey({ ...SECRET, namespace, name: source.name }, source.key, what, ctx);
}
