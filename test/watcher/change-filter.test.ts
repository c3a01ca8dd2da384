import { describe, expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { classifyChange, classifyNew } from '../../watcher/change-filter.ts';
import { inStep, observe } from '../../watcher/object-state.ts';

function api(meta: Partial<KubeObject['metadata']> = {}, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'gravitee.io/v1alpha1',
    kind: 'ApiV4Definition',
    metadata: { name: 'a', namespace: 'ns', uid: 'u1', resourceVersion: '1', generation: 1, ...meta },
    spec: { name: 'a' },
    status,
  };
}
const ready = (observedGeneration: number) => ({ conditions: [{ type: 'Ready', status: 'True', observedGeneration }] });
const change = (a: KubeObject, b: KubeObject) => classifyChange(observe(a), observe(b));

describe('change filter', () => {
  it('forwards a new generation, a deletion and finalizer changes while deleting', () => {
    expect(change(api(), api({ resourceVersion: '2', generation: 2 }))).toEqual({ forward: 'spec-changed' });
    expect(change(api(), api({ resourceVersion: '2', generation: 2, deletionTimestamp: 'now' }))).toEqual({ forward: 'deleting' });
    const deleting = api({ deletionTimestamp: 'now', finalizers: [FINALIZER, 'other'] });
    expect(change(deleting, api({ resourceVersion: '2', deletionTimestamp: 'now', finalizers: ['other'] }))).toEqual({ forward: 'deleting' });
  });

  it('skips status writes, metadata writes and the sync adding its finalizer', () => {
    expect(change(api(), api({ resourceVersion: '2' }, ready(1)))).toEqual({ skip: 'status-or-metadata' });
    expect(change(api(), api({ resourceVersion: '2', labels: { a: 'b' } }))).toEqual({ skip: 'status-or-metadata' });
    expect(change(api(), api({ resourceVersion: '2', finalizers: [FINALIZER] }))).toEqual({ skip: 'own-finalizer' });
    expect(change(api({ finalizers: [FINALIZER] }), api({ resourceVersion: '2', finalizers: [FINALIZER, 'x'] }))).toEqual({ skip: 'finalizers-live' });
    expect(change(api(), api())).toEqual({ skip: 'unchanged' });
  });

  it('forwards the removal of its finalizer from a live object (the sync puts it back)', () => {
    expect(change(api({ finalizers: [FINALIZER] }), api({ resourceVersion: '2', finalizers: [] }))).toEqual({ forward: 'spec-changed' });
  });

  it('forwards a new object unless its Ready condition matches its generation', () => {
    expect(classifyNew(api(), observe(api()))).toEqual({ forward: 'added' });
    expect(classifyNew(api({ generation: 2 }, ready(1)), observe(api()))).toEqual({ forward: 'added' });
    const inStepObj = api({ generation: 3 }, ready(3));
    expect(classifyNew(inStepObj, observe(inStepObj))).toEqual({ skip: 'in-step' });
    const deleting = api({ generation: 3, deletionTimestamp: 'now' }, ready(3));
    expect(inStep(deleting)).toBe(false);
    expect(classifyNew(deleting, observe(deleting))).toEqual({ forward: 'deleting' });
  });
});
