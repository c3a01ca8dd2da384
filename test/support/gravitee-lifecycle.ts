import { expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { writesOfOneResync, type GraviteeWorld } from './gravitee-e2e.ts';
import { sendPointer } from './send-message.ts';
import { waitFor } from './wait.ts';

type Json = Record<string, unknown>;

/** One Gravitee kind with an APIM object, as its lifecycle tests need it; the kind's file keeps what is particular. */
export interface GraviteeKindCase {
  kind: string;
  world(): GraviteeWorld;
  /** The resource named `name`, with `spec` fields overridden by `extra` and metadata merged from `meta`. */
  make(name: string, extra?: Json, meta?: Json): Json;
  /** The APIM object of the resource named `name` (the emulator's state), if any. */
  remote(name: string): Json | undefined;
  /** A spec field to change, the value to give it, and how APIM shows it (default: the same field of the remote). */
  change: { field: string; value: unknown; seen?(remote: Json): unknown };
  /** Console drift on the APIM object of `name` (a shallow patch of `change.field` to another value). */
  editInConsole(name: string): void;
  /** Console deletion of the APIM object of `name`; true when there was one. */
  deleteInConsole(name: string): boolean;
  /** Status fields to expect once Accepted (ids, org, env…), from the synced object and its APIM object. */
  status?(obj: KubeObject, remote: Json): Json;
}

const seen = (c: GraviteeKindCase, remote: Json | undefined) => (remote ? (c.change.seen ? c.change.seen(remote) : remote[c.change.field]) : undefined);

/**
 * Create, update, a resync that writes nothing, console drift reverted, console deletion recreated, deletion and the
 * orphan opt-out: what every Gravitee kind with an APIM object must show (issue 8).
 */
export function itFollowsTheGraviteeLifecycle(c: GraviteeKindCase, name = `${c.kind.toLowerCase()}-life`): void {
  it('creates the APIM object, adds the finalizer and reports status and conditions', async () => {
    const w = c.world();
    await w.apply(c.make(name));
    const obj = await w.waitForCondition(c.kind, name, 'Accepted', 'True');
    for (const type of ['ResolvedRefs', 'Ready']) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status: 'True', observedGeneration: obj.metadata.generation }));
    }
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    const remote = c.remote(name);
    expect(remote).toBeDefined();
    if (c.status) expect(obj.status).toMatchObject(c.status(obj, remote!));
    expect((await w.events(name)).map((e) => e.reason)).toEqual(expect.arrayContaining(['UpdateStarted', 'UpdateSucceeded']));
  });

  it('pushes a spec change', async () => {
    const w = c.world();
    await w.apply(c.make(name, { [c.change.field]: c.change.value }));
    await waitFor('APIM updated', () => JSON.stringify(seen(c, c.remote(name))) === JSON.stringify(c.change.value));
    const obj = await w.waitForCondition(c.kind, name, 'Ready', 'True');
    expect(obj.metadata.generation).toBeGreaterThan(1);
  });

  it('writes nothing to APIM on a resync with nothing changed', async () => {
    const w = c.world();
    expect(await writesOfOneResync(w, (await w.get(c.kind, name))!, 'lifecycle')).toBe(0);
  });

  it('reverts an edit made in the APIM console on the next resync', async () => {
    const w = c.world();
    c.editInConsole(name);
    expect(JSON.stringify(seen(c, c.remote(name)))).not.toBe(JSON.stringify(c.change.value));
    await sendPointer(w.plane, (await w.get(c.kind, name))!, { reason: 'resync', cause: 'console-edit' });
    await waitFor('console edit reverted', () => JSON.stringify(seen(c, c.remote(name))) === JSON.stringify(c.change.value));
    // The resync only found the drift; the correction was written by a sync on the changes queue (reason drift), in
    // the object's own FIFO group, where it cannot overtake a change of the object.
    const mine = () => w.logs.filter((l) => l.includes(`"name":"${name}"`) && l.includes('"message":"synced"'));
    await waitFor('the correction synced', () => mine().some((l) => l.includes('"reason":"drift"') && /"action":"(updated|created)"/.test(l)));
    expect(mine().some((l) => l.includes('"reason":"resync"') && l.includes('"action":"drift-handed-over"'))).toBe(true);
  });

  it('recreates an object deleted in the APIM console on the next resync', async () => {
    const w = c.world();
    expect(c.deleteInConsole(name)).toBe(true);
    await sendPointer(w.plane, (await w.get(c.kind, name))!, { reason: 'resync', cause: 'console-delete' });
    await waitFor('recreated', () => c.remote(name));
  });

  it('deletes the APIM object before the resource', async () => {
    const w = c.world();
    await w.remove(c.kind, name);
    await w.waitForGone(c.kind, name);
    expect(c.remote(name)).toBeUndefined();
    expect((await w.events(name)).map((e) => e.reason)).toEqual(expect.arrayContaining(['DeleteStarted', 'DeleteSucceeded']));
  });

  it('keeps the APIM object with deletion-policy orphan', async () => {
    const w = c.world();
    const orphan = `${name}-orphan`;
    await w.apply(c.make(orphan, {}, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.waitForCondition(c.kind, orphan, 'Accepted', 'True');
    await w.remove(c.kind, orphan);
    await w.waitForGone(c.kind, orphan);
    expect(c.remote(orphan)).toBeDefined();
  });
}
