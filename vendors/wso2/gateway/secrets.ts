import { missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET } from '../../../shared/kube/object-ref.ts';
import type { SecretKey } from './config.ts';

/**
 * One value of a Secret in the APIGateway's namespace (or an inline value of the values block). A missing Secret or
 * key is a missing reference: retried, then re-triggered by the watcher when it appears. The value is never logged.
 */
export async function readSecretKey(namespace: string, source: SecretKey | { value: string }, what: string, ctx: SyncContext): Promise<string> {
  if ('value' in source) return source.value;
  const data = await ctx.readData({ ...SECRET, namespace, name: source.name });
  if (!data) throw missingReference(`${what}: Secret ${namespace}/${source.name} not found`);
  const value = data[source.key];
  if (value === undefined || value === '') throw missingReference(`${what}: Secret ${namespace}/${source.name} has no key "${source.key}"`);
  return value;
}
