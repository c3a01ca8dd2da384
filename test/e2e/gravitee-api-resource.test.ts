import { describe, expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { apiV4, gravitee, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoExample, gkoExampleFiles } from '../support/gko-examples.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;
const KIND = 'ApiResource';

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

const cache = (name: string, extra: Json = {}, meta: Json = {}) =>
  gravitee(KIND, name, { name: 'shared-cache', type: 'cache', enabled: true, configuration: { timeToIdleSeconds: 0, timeToLiveSeconds: 60, maxEntriesLocalHeap: 1000 }, ...extra }, meta);

const events = async (name: string) => (await w.events(name)).map((e) => e.reason);
const resourcesOfApi = (name: string) => w.apim.state.api('acme', 'dev', w.hrid(name))?.resources as Json[] | undefined;

describe('ApiResource (no APIM object)', () => {
  it('is Accepted, with a finalizer and conditions only, and makes no APIM call', async () => {
    const calls = w.apim.calls.length;
    await w.apply(cache('life'));
    const obj = await w.waitForCondition(KIND, 'life', 'Accepted', 'True');
    for (const type of ['ResolvedRefs', 'Ready']) expect(conditionOf(obj, type)).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(Object.keys(obj.status ?? {}).sort()).toEqual(['conditions', 'observedGeneration']);
    expect(w.apim.calls.length).toBe(calls);
  });

  it('takes an update at the new generation', async () => {
    await w.apply(cache('life', { configuration: { timeToIdleSeconds: 0, timeToLiveSeconds: 120, maxEntriesLocalHeap: 10 } }));
    const obj = await w.waitForCondition(KIND, 'life', 'Accepted', 'True');
    expect(obj.metadata.generation).toBe(2);
  });

  it("refuses what GKO's admission refuses (name, type, configuration), naming the field", async () => {
    await w.apply(gravitee(KIND, 'incomplete', { name: 'x', enabled: true }));
    const refused = await w.waitForCondition(KIND, 'incomplete', 'Accepted', 'False', { reason: 'InvalidSpec' });
    const message = conditionOf(refused, 'Accepted')?.message ?? '';
    expect(message).toContain('spec.type: Required');
    expect(message).toContain('spec.configuration: Required');
    await w.apply(cache('incomplete'));
    await w.waitForCondition(KIND, 'incomplete', 'Accepted', 'True');
  });

  it('is inlined into the APIs that reference it, which follow its changes; its deletion waits for them', async () => {
    await w.apply(apiV4('cached-api', 'ctx', { resources: [{ ref: { name: 'shared' } }] }));
    await w.waitForCondition('ApiV4Definition', 'cached-api', 'ResolvedRefs', 'False');
    await w.apply(cache('shared'));
    await w.waitForCondition('ApiV4Definition', 'cached-api', 'Accepted', 'True');
    expect(resourcesOfApi('cached-api')).toEqual([{ name: 'shared-cache', type: 'cache', enabled: true, configuration: expect.objectContaining({ timeToLiveSeconds: 60 }) }]);

    await w.apply(cache('shared', { configuration: { timeToIdleSeconds: 5, timeToLiveSeconds: 300, maxEntriesLocalHeap: 50 } }));
    await waitFor('API re-synced with the new configuration', () => resourcesOfApi('cached-api')?.[0]?.configuration && (resourcesOfApi('cached-api')![0]!.configuration as Json).timeToLiveSeconds === 300);

    await w.remove(KIND, 'shared');
    const blocked = await w.waitForCondition(KIND, 'shared', 'Ready', 'False', { reason: 'DeletionBlocked', generation: false });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`ApiV4Definition ${w.ns}/cached-api`);
    expect(await events('shared')).toContain('DeleteBlocked');
    await w.remove('ApiV4Definition', 'cached-api');
    await w.waitForGone(KIND, 'shared');
  });

  it('is deleted (no APIM object to remove), and with deletion-policy orphan too', async () => {
    await w.remove(KIND, 'life');
    await w.waitForGone(KIND, 'life');
    expect(await events('life')).toEqual(expect.arrayContaining(['DeleteStarted', 'DeleteSucceeded']));
    await w.apply(cache('kept', {}, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.waitForCondition(KIND, 'kept', 'Accepted', 'True');
    await w.remove(KIND, 'kept');
    await w.waitForGone(KIND, 'kept');
    expect(await events('kept')).toContain('DeleteSucceeded');
  });

  it("applies GKO's examples unchanged", async () => {
    const files = gkoExampleFiles('apim/api_resource');
    expect(files.length).toBeGreaterThanOrEqual(7);
    const names = [];
    for (const file of files) {
      const example = gkoExample(file);
      await w.apply(example);
      names.push(example.metadata.name);
    }
    for (const name of names) await w.waitForCondition(KIND, name, 'Accepted', 'True');
  });
});
