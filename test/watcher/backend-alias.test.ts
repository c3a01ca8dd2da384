import { beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { watchedKinds } from '../../vendors/watched-kinds.ts';
import { ChangeTracker } from '../../watcher/change-tracker.ts';
import { createLog } from '../../watcher/log.ts';
import { WatcherMetrics } from '../../watcher/metrics.ts';
import type { TrackedType } from '../../watcher/object-state.ts';

const kind = (k: string) => watchedKinds.find((x) => x.kind === k)!;
const synced = (k: string): TrackedType => ({ apiVersion: kind(k).apiVersion, kind: k, plural: kind(k).plural, role: 'synced' });
const BACKEND = synced('Backend');
const PRODUCT = synced('Product');

let rv = 1;
const object = (t: TrackedType, name: string, spec: Record<string, unknown>, generation = 1, ready = false): KubeObject => ({
  apiVersion: t.apiVersion,
  kind: t.kind,
  metadata: { name, namespace: 'ns', uid: `uid-${name}`, resourceVersion: String(++rv), generation },
  spec,
  ...(ready ? { status: { conditions: [{ type: 'Ready', status: 'True', observedGeneration: generation }] } } : {}),
});

let sent: string[];
let tracker: ChangeTracker;
beforeEach(() => {
  sent = [];
  tracker = new ChangeTracker({
    forward: (st, reason) => sent.push(`${st.name} ${reason}`),
    fetch: () => {},
    references: (t, o) => kind(t.kind).references(o),
    aliases: (t, o) => kind(t.kind).aliases?.(o) ?? [],
    dataTypes: [],
    watchesNamespace: () => true,
    metrics: new WatcherMetrics(),
    log: createLog(() => {}),
  });
});

describe('Product → Backend by system name', () => {
  it('re-triggers a Product when a Backend with that system name (not its resource name) appears, syncs, or changes it', () => {
    tracker.event(PRODUCT, 'ADDED', object(PRODUCT, 'shop', { name: 'Shop', backendUsages: { 'inventory-sys': { path: '/' } } }));
    sent = [];
    tracker.event(BACKEND, 'ADDED', object(BACKEND, 'inventory', { name: 'Inventory', systemName: 'inventory-sys', privateBaseURL: 'https://x' }));
    expect(sent).toContain('shop reference-changed');
    sent = [];
    // Its status write (Synced/Ready) is what the waiting Product needs.
    tracker.event(BACKEND, 'MODIFIED', object(BACKEND, 'inventory', { name: 'Inventory', systemName: 'inventory-sys', privateBaseURL: 'https://x' }, 1, true));
    expect(sent).toEqual(['shop reference-changed']);
    sent = [];
    // Renamed away: the Product loses its backend and hears of it.
    tracker.event(BACKEND, 'MODIFIED', object(BACKEND, 'inventory', { name: 'Inventory', systemName: 'other', privateBaseURL: 'https://x' }, 2, true));
    expect(sent).toContain('shop reference-changed');
  });

  it('leaves Products using other backends alone', () => {
    tracker.event(PRODUCT, 'ADDED', object(PRODUCT, 'shop', { name: 'Shop', backendUsages: { billing: { path: '/' } } }));
    sent = [];
    tracker.event(BACKEND, 'ADDED', object(BACKEND, 'inventory', { name: 'Inventory', privateBaseURL: 'https://x' }));
    expect(sent).toEqual(['inventory added']);
  });
});
