import { sendPointer } from './send-message.ts';
import type { ThreescaleWorld } from './threescale-e2e.ts';
import { waitFor } from './wait.ts';

/** The 3scale writes (non-GET calls) one resync of `kind/name` makes, once the queue is drained before and after. */
export async function writesOfOneResync(w: ThreescaleWorld, kind: string, name: string, apiVersion?: string): Promise<number> {
  await waitFor('queue drained', () => w.plane.drained());
  const writes = () => w.threescale.calls.filter((c) => c.method !== 'GET').length;
  const before = writes();
  await sendPointer(w.plane, (await w.get(kind, name, apiVersion))!, { reason: 'resync', cause: 'noop' });
  await waitFor('queue drained', () => w.plane.drained());
  return writes() - before;
}
