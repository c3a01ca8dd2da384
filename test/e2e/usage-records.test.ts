import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageRecordSchema, type UsageRecord } from '../../shared/engine/usage-record.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { ADMIN, apiV4, resyncOnce, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';

// `npm start`'s sync plane writes one usage record per sync to a JSON-lines file.
const usageFile = join(mkdtempSync(join(tmpdir(), 'usage-e2e-')), 'usage.jsonl');
let w: GraviteeWorld;
useGraviteeWorld((world) => void (w = world), { usageFile });

const records = (): UsageRecord[] =>
  existsSync(usageFile)
    ? readFileSync(usageFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => UsageRecordSchema.parse(JSON.parse(l)))
    : [];

/** Every way a sync ends is logged once by the engine (shared/engine/sync-message.ts). */
const SYNC_ENDINGS = ['synced', 'sync failed permanently; waiting for a change', 'waiting for a reference; the watcher re-enqueues when it appears', 'waiting for a reference; will retry', 'sync failed; will retry', 'member cluster unavailable; its messages retry'];
const syncsLogged = () => w.logs.map((l) => JSON.parse(l) as { message: string }).filter((l) => SYNC_ENDINGS.includes(l.message)).length;

describe('usage records', () => {
  let orders: KubeObject;

  it('writes one record per sync, whose calls add up to those the plane made', async () => {
    await w.apply(apiV4('orders', 'ctx'));
    orders = await w.waitForCondition('ApiV4Definition', 'orders', 'Accepted', 'True');
    await waitFor('queue drained', () => w.plane.drained());
    await waitFor('records flushed', () => records().length === syncsLogged());
    const all = records();
    // The Automation API's PUT creates or updates: the reconciler says `applied`.
    const created = all.find((r) => r.name === 'orders' && r.action === 'applied');
    expect(created).toMatchObject({ cluster: 'local', namespace: w.ns, kind: 'ApiV4Definition', vendor: 'gravitee', outcome: 'synced' });
    expect(created!.vendorCalls).toBeGreaterThan(0);
    // Every call of the plane's clients belongs to exactly one sync, though syncs ran side by side.
    expect(all.reduce((n, r) => n + r.vendorCalls, 0)).toBe(w.plane.deps.http.calls.total());
    expect(all.reduce((n, r) => n + r.kubernetesCalls, 0)).toBe((await w.plane.deps.clusters.get('local')).calls.total());
    expect(readFileSync(usageFile, 'utf8')).not.toContain(ADMIN.password);
  });

  it('records a resync that finds nothing changed as one unchanged sync with its own calls and duration', async () => {
    const before = records().length;
    const apimCalls = w.apim.calls.length;
    await resyncOnce(w, orders);
    await waitFor('record flushed', () => records().length > before);
    const added = records().slice(before);
    expect(added).toHaveLength(1);
    const [r] = added;
    expect(r).toMatchObject({ cluster: 'local', namespace: w.ns, name: 'orders', kind: 'ApiV4Definition', vendor: 'gravitee', outcome: 'unchanged', action: 'unchanged', requestShare: 1 });
    expect(r.vendorCalls).toBe(w.apim.calls.length - apimCalls); // as APIM counted them
    expect(r.kubernetesCalls).toBeGreaterThanOrEqual(1); // the object read, at least
    expect(r.durationMs).toBeGreaterThan(0);
    // Alone in its invocation: the whole invocation, rounded up to the millisecond, is its billed duration.
    expect(Number.isInteger(r.billedMs)).toBe(true);
    expect(r.billedMs).toBeGreaterThanOrEqual(r.durationMs);
  });
});
