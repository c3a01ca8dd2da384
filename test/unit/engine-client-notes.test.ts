import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConditionInput } from '../../shared/engine/conditions.ts';
import type { SyncOutcome } from '../../shared/engine/condition-policy.ts';
import type { ExternalClient, KindDefinition, SyncContext } from '../../shared/engine/kind.ts';
import { reconcile } from '../../shared/engine/reconcile.ts';
import type { Cluster } from '../../shared/kube/cluster.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { jsonLogger } from '../../shared/log.ts';

/** ExternalClient.notes: what connect noted reaches the condition policy, whether the engine observes or not. */

const REF: ObjectRef = { apiVersion: 'example.io/v1', kind: 'Widget', namespace: 'ns', name: 'w' };

/** The few cluster calls reconcile makes, kept in memory. */
function memoryCluster(initial: KubeObject) {
  let obj = structuredClone(initial);
  let version = 1;
  const bump = () => (obj.metadata.resourceVersion = String(++version));
  const cluster = {
    get: async () => structuredClone(obj),
    patchMetadata: async (_r: ObjectRef, metadata: Record<string, unknown>) => {
      obj.metadata = { ...obj.metadata, ...metadata, resourceVersion: obj.metadata.resourceVersion };
      bump();
      return structuredClone(obj);
    },
    patchStatus: async (_r: ObjectRef, status: Record<string, unknown>) => {
      obj.status = { ...obj.status, ...status };
      bump();
      return structuredClone(obj);
    },
    recordEvent: async () => {},
  };
  return { cluster: cluster as unknown as Cluster, current: () => obj };
}

function widgetKind(client: ExternalClient, seen: SyncOutcome[], idempotentUpsert: boolean): KindDefinition<unknown> {
  return {
    ...REF,
    plural: 'widgets',
    namespaced: true,
    references: () => [],
    schema: z.looseObject({}),
    idempotentUpsert,
    connect: async () => client,
    conditions: {
      success: (outcome) => {
        seen.push(outcome!);
        const note = outcome?.notes?.Skipped;
        return [{ type: 'Ready', status: 'True', reason: 'Synced', message: note ?? 'synced' } satisfies ConditionInput];
      },
      failure: (err) => [{ type: 'Ready', status: 'False', reason: err.reason, message: err.message }],
    },
  } as KindDefinition<unknown>;
}

const widget = (generation: number, ready: boolean): KubeObject => ({
  ...REF,
  metadata: { name: 'w', namespace: 'ns', generation, resourceVersion: '1', uid: 'u1' },
  spec: {},
  status: ready ? { conditions: [{ type: 'Ready', status: 'True', reason: 'Synced', message: 'synced', observedGeneration: generation, lastTransitionTime: '2020-01-01T00:00:00Z' }] } : {},
});

async function run(obj: KubeObject, client: ExternalClient, idempotentUpsert: boolean) {
  const { cluster, current } = memoryCluster(obj);
  const seen: SyncOutcome[] = [];
  const ctx = { cluster, log: jsonLogger({ sink: () => {} }), http: undefined, readData: async () => undefined } as unknown as SyncContext;
  const action = await reconcile(REF, widgetKind(client, seen, idempotentUpsert), ctx);
  return { action, seen, object: current() };
}

const client = (notes?: Record<string, string>, observedNotes?: Record<string, string>): ExternalClient => ({
  notes,
  observe: async () => ({ exists: true, upToDate: false, status: {}, notes: observedNotes }),
  create: async () => ({}),
  update: async () => ({ id: 'x' }),
  delete: async () => {},
});

describe('ExternalClient.notes', () => {
  it('reach the condition policy when an idempotent upsert writes without observing', async () => {
    const { action, seen, object } = await run(widget(1, false), client({ Skipped: 'Group ns/g could not be found' }), true);
    expect(action).toBe('applied');
    expect(seen[0]?.notes).toEqual({ Skipped: 'Group ns/g could not be found' });
    expect(object.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', message: 'Group ns/g could not be found' }));
  });

  it('are merged with what observe noted, observe winning on the same name', async () => {
    const { action, seen } = await run(widget(1, true), client({ Skipped: 'from connect', Other: 'kept' }, { Skipped: 'from observe' }), true);
    expect(action).toBe('updated');
    expect(seen[0]?.notes).toEqual({ Skipped: 'from observe', Other: 'kept' });
  });

  it('are absent when neither connect nor observe noted anything', async () => {
    const { seen } = await run(widget(1, false), client(), false);
    expect(seen[0]?.notes).toBeUndefined();
  });
});
