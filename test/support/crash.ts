import type { SyncPlane } from '../../local/sync-plane.ts';

/** The writes after a vendor call that a crash can come before: the status, a Secret the sync writes back, or a one-shot's deletion of itself. */
const WRITES = { patchStatus: 'the status write', patchData: 'the Secret write', delete: 'the deletion' };
type Write = keyof typeof WRITES;

/**
 * Simulates the sync process dying after its vendor call but before its first `write` to object `name` (the status
 * by default): that write throws once. Returns how many such writes were attempted, and a restore function.
 */
export async function crashBeforeFirstStatusWrite(plane: SyncPlane, name: string, write: Write = 'patchStatus'): Promise<{ attempts(): number; restore(): void }> {
  const cluster = await plane.deps.clusters.get('local');
  const original = cluster[write];
  let attempts = 0;
  cluster[write] = async function (this: typeof cluster, ref: { name: string }, ...rest: unknown[]) {
    if (ref.name === name && attempts++ === 0) throw new Error(`process killed before ${WRITES[write]}`);
    return (original as (...args: unknown[]) => Promise<unknown>).call(cluster, ref, ...rest);
  } as never;
  return { attempts: () => attempts, restore: () => void (cluster[write] = original as never) };
}
