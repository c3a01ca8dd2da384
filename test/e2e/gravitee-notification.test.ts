import { describe, expect, it } from 'vitest';
import { FINALIZER } from '../../shared/engine/metadata-keys.ts';
import { apiV4, gravitee, group, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoExample } from '../support/gko-examples.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;
const KIND = 'Notification';

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

const notification = (name: string, console: Json = { apiEvents: ['API_STARTED', 'API_STOPPED'] }, meta: Json = {}) =>
  gravitee(KIND, name, { target: 'console', eventType: 'api', console }, meta);
const events = async (name: string) => (await w.events(name)).map((e) => e.reason);

describe('Notification (no APIM object)', () => {
  it('is Accepted with GKO conditions and a finalizer, and makes no APIM call', async () => {
    const calls = w.apim.calls.length;
    await w.apply(notification('life'));
    const obj = await w.waitForCondition(KIND, 'life', 'Accepted', 'True');
    expect(conditionOf(obj, 'ResolvedRefs')).toMatchObject({ status: 'True', observedGeneration: 1 });
    expect(obj.metadata.finalizers).toContain(FINALIZER);
    expect(Object.keys(obj.status ?? {}).sort()).toEqual(['conditions', 'observedGeneration']);
    expect(w.apim.calls.length).toBe(calls);
  });

  it('takes an update at the new generation, and answers bad input with a False condition naming the field', async () => {
    await w.apply(notification('life', { apiEvents: ['API_UPDATED'] }));
    expect((await w.waitForCondition(KIND, 'life', 'Accepted', 'True')).metadata.generation).toBe(2);
    await w.apply(notification('nameless-group', { apiEvents: ['API_STARTED'], groupRefs: [{ name: '' }] }));
    const refused = await w.waitForCondition(KIND, 'nameless-group', 'Accepted', 'False', { reason: 'InvalidSpec' });
    expect(conditionOf(refused, 'Accepted')?.message).toContain('spec.console.groupRefs[0].name');
  });

  it('stays Accepted with ResolvedRefs False (GroupNotFound) while a referenced Group is missing, and resolves when it appears', async () => {
    await w.apply(notification('with-groups', { apiEvents: ['API_STARTED'], groupRefs: [{ name: 'platform-team' }], groups: ['product'] }));
    const obj = await w.waitForCondition(KIND, 'with-groups', 'ResolvedRefs', 'False', { reason: 'GroupNotFound' });
    expect(conditionOf(obj, 'ResolvedRefs')?.message).toBe(`Group ${w.ns}/platform-team could not be found`);
    expect(conditionOf(obj, 'Accepted')?.status).toBe('True');
    expect(conditionOf(obj, 'Ready')?.status).toBe('True');
    await w.apply(group('platform-team'));
    await w.waitForCondition(KIND, 'with-groups', 'ResolvedRefs', 'True');
  });

  it("becomes the console notification of an API that references it; its deletion waits for the API", async () => {
    await w.apply(notification('for-api', { apiEvents: ['API_STARTED', 'API_STOPPED'] }));
    await w.waitForCondition(KIND, 'for-api', 'Accepted', 'True');
    await w.apply(apiV4('notified-api', 'ctx', { notificationsRefs: [{ name: 'for-api' }] }));
    await w.waitForCondition('ApiV4Definition', 'notified-api', 'Accepted', 'True');
    const consoleNotification = () => w.apim.state.api('acme', 'dev', w.hrid('notified-api'))?.consoleNotification as Json | undefined;
    expect(consoleNotification()).toMatchObject({ events: ['API_STARTED', 'API_STOPPED'] });
    await w.apply(notification('for-api', { apiEvents: ['API_UPDATED'] }));
    await waitFor('API follows the notification', () => JSON.stringify(consoleNotification()?.events) === JSON.stringify(['API_UPDATED']));

    await w.remove(KIND, 'for-api');
    const blocked = await w.waitForCondition(KIND, 'for-api', 'Ready', 'False', { reason: 'DeletionBlocked', generation: false });
    expect(conditionOf(blocked, 'Ready')?.message).toContain(`ApiV4Definition ${w.ns}/notified-api`);
    await w.remove('ApiV4Definition', 'notified-api');
    await w.waitForGone(KIND, 'for-api');
  });

  it('is deleted (no APIM object to remove), and with deletion-policy orphan too', async () => {
    await w.remove(KIND, 'life');
    await w.waitForGone(KIND, 'life');
    expect(await events('life')).toEqual(expect.arrayContaining(['DeleteStarted', 'DeleteSucceeded']));
    await w.apply(notification('kept', undefined, { annotations: { 'apim-sync.io/deletion-policy': 'orphan' } }));
    await w.waitForCondition(KIND, 'kept', 'Accepted', 'True');
    await w.remove(KIND, 'kept');
    await w.waitForGone(KIND, 'kept');
  });

  it("applies GKO's examples unchanged, with GKO's outcome: a missing Group is GroupNotFound, still Accepted", async () => {
    await w.apply(gkoExample('apim/notification/notification-no-group.yml'));
    await w.apply(gkoExample('apim/notification/notification-with-groups.yml'));
    const plain = await w.waitForCondition(KIND, 'api-notification', 'Accepted', 'True');
    expect(conditionOf(plain, 'ResolvedRefs')?.status).toBe('True');
    const grouped = await w.waitForCondition(KIND, 'api-notification-groups', 'ResolvedRefs', 'False', { reason: 'GroupNotFound' });
    expect(conditionOf(grouped, 'Accepted')?.status).toBe('True');
    expect(conditionOf(grouped, 'ResolvedRefs')?.message).toBe(`Group ${w.ns}/developers could not be found`);
  });
});
