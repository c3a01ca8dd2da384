import { expect, it } from 'vitest';
import { DELETION_POLICY, FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { sendPointer } from './send-message.ts';
import { conditionOf } from './world-objects.ts';
import { drained, GATEWAY, type Wso2World } from './wso2-e2e.ts';

type Manifest = Record<string, unknown>;

/** One WSO2 kind as the shared lifecycle tests see it; the kind's own file adds what is particular to it. */
export interface Wso2Case {
  world: () => Wso2World;
  kind: string;
  /** The resource named `name` (with extra metadata, e.g. annotations). */
  make: (name: string, metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> }) => Manifest;
  /** Applies what the resource needs first (a parent API, a Secret); awaited before `make` is applied. */
  prepare?: (name: string) => Promise<void>;
  /** How many objects the gateway holds for the resource named `name`. */
  copies: (name: string) => number;
  /** The resource with another spec, and whether the gateway holds that spec. */
  change: (name: string) => Manifest;
  changed: (name: string) => boolean;
  /** A change made on the gateway behind the management API, and whether it is still there. */
  drift?: (name: string) => void;
  drifted?: (name: string) => boolean;
}

/** A periodic resync of one object, as the watcher sends it; resolves once the queue is empty again. */
export async function resync(w: Wso2World, kind: string, name: string): Promise<void> {
  await sendPointer(w.plane, (await w.get(kind, name))!, { reason: 'resync', cause: `test-${Math.random()}` });
  await drained(w);
}

async function create(c: Wso2Case, name: string, metadata?: Parameters<Wso2Case['make']>[1]) {
  const w = c.world();
  await c.prepare?.(name);
  await w.apply(c.make(name, metadata));
  return w.waitForCondition(c.kind, name, 'Programmed', 'True');
}

/**
 * Create (Accepted, Programmed, Ready, finalizer, the gateway in status), update, a resync with nothing changed that
 * writes nothing (to the gateway or the cluster), a change made on the gateway reverted, delete, orphan.
 */
export function itRunsTheLifecycle(c: Wso2Case): void {
  it(`creates the ${c.kind} on the gateway with Accepted, Programmed and Ready`, async () => {
    const w = c.world();
    const obj = await create(c, 'created');
    expect(c.copies('created')).toBe(1);
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(obj.status).toMatchObject({ gateway: `${w.ns}/${GATEWAY}`, observedGeneration: 1, lastUpdateTime: expect.any(String) });
    for (const type of ['Accepted', 'Programmed', 'Ready']) expect(conditionOf(obj, type)).toMatchObject({ status: 'True', observedGeneration: 1 });
  });

  it(`updates the ${c.kind} when its spec changes`, async () => {
    const w = c.world();
    await create(c, 'changing');
    await w.apply(c.change('changing'));
    await w.waitForCondition(c.kind, 'changing', 'Programmed', 'True');
    expect(c.changed('changing')).toBe(true);
    expect(c.copies('changing')).toBe(1);
  });

  it(`writes nothing on a resync of an unchanged ${c.kind}${c.drift ? ', and reverts a change made on the gateway' : ''}`, async () => {
    const w = c.world();
    await create(c, 'steady');
    await drained(w);
    const before = (await w.get(c.kind, 'steady'))!;
    const from = w.gateway.calls.length;
    await resync(w, c.kind, 'steady');
    expect(w.gatewayWrites(from)).toEqual([]);
    expect((await w.get(c.kind, 'steady'))?.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    if (!c.drift || !c.drifted) return;
    c.drift('steady');
    expect(c.drifted('steady')).toBe(true);
    await resync(w, c.kind, 'steady');
    expect(c.drifted('steady')).toBe(false);
    expect(c.copies('steady')).toBe(1);
  });

  it(`deletes the ${c.kind} from the gateway, and keeps it with deletion-policy orphan`, async () => {
    const w = c.world();
    await create(c, 'deleted');
    await w.remove(c.kind, 'deleted');
    await w.waitForGone(c.kind, 'deleted');
    expect(c.copies('deleted')).toBe(0);

    await create(c, 'orphaned', { annotations: { [DELETION_POLICY]: 'orphan' } });
    await w.remove(c.kind, 'orphaned');
    await w.waitForGone(c.kind, 'orphaned');
    expect(c.copies('orphaned')).toBe(1);
  });
}
