import type { SyncPlane } from '../../local/sync-plane.ts';

/**
 * Simulates the sync process dying after its vendor call but before its first status write for object `name`:
 * that write throws once. Returns how many status writes were attempted, and a restore function.
 */
export async function crashBeforeFirstStatusWrite(plane: SyncPlane, name: string): Promise<{ attempts(): number; restore(): void }> {
  const cluster = await plane.deps.clusters.get('local');
  const patchStatus = cluster.patchStatus.bind(cluster);
  let attempts = 0;
  cluster.patchStatus = async (ref, status, rv) => {
    if (ref.name === name && attempts++ === 0) throw new Error('process killed before the status write');
    return patchStatus(ref, status, rv);
  };
  return { attempts: () => attempts, restore: () => void (cluster.patchStatus = patchStatus) };
}
