import { describe, expect, it } from 'vitest';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';
import { itRunsTheLifecycle, resync } from '../support/wso2-lifecycle.ts';
import { secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const stored = (name: string) => w.gateway.state.get('Secret', name);
const managedSecret = (name: string, spec: Record<string, unknown> = {}, metadata = {}) =>
  wso2('ManagedSecret', name, { displayName: `${name} secret`, description: 'e2e', value: { valueFrom: { name: `${name}-source`, key: 'value' } }, ...spec }, metadata);

describe('WSO2 ManagedSecret', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'ManagedSecret',
    prepare: async (name) => void (await w.apply(secret(`${name}-source`, { value: `value-of-${name}` }))),
    make: (name, metadata) => managedSecret(name, {}, metadata),
    copies: (name) => (stored(name) ? 1 : 0),
    change: (name) => managedSecret(name, { displayName: `${name} renamed` }),
    changed: (name) => stored(name)?.displayName === `${name} renamed`,
    drift: (name) => w.gateway.state.patch('Secret', name, { value: 'changed on the gateway' }),
    drifted: (name) => stored(name)?.value === 'changed on the gateway',
  });

  it('stores the value of its Secret, writes it again when the Secret rotates, and never shows it', async () => {
    await w.apply(secret('db-password', { password: 'sup3rs3cr3t-v1' }));
    await w.apply(managedSecret('db', { value: { valueFrom: { name: 'db-password', key: 'password' } } }));
    const obj = await w.waitForCondition('ManagedSecret', 'db', 'Programmed', 'True');
    expect(stored('db')).toMatchObject({ displayName: 'db secret', description: 'e2e', value: 'sup3rs3cr3t-v1' });
    expect(obj.status?.id).toBe('db');
    await w.apply(secret('db-password', { password: 'sup3rs3cr3t-v2' }));
    await waitFor('the rotated value on the gateway', () => stored('db')?.value === 'sup3rs3cr3t-v2');
    const all = JSON.stringify((await w.get('ManagedSecret', 'db'))?.status) + w.logs.join('\n');
    expect(all).not.toContain('sup3rs3cr3t');
  });

  it('takes an inline value, and waits for a missing Secret naming the field', async () => {
    await w.apply(managedSecret('inline', { value: { value: 'inline-value-1' } }));
    await w.waitForCondition('ManagedSecret', 'inline', 'Programmed', 'True');
    expect(stored('inline')?.value).toBe('inline-value-1');

    await w.apply(managedSecret('waiting', { value: { valueFrom: { name: 'not-yet', key: 'value' } } }));
    const waiting = await w.waitForCondition('ManagedSecret', 'waiting', 'Programmed', 'False', { reason: 'Pending' });
    expect(conditionOf(waiting, 'Programmed')?.message).toContain(`spec.value.valueFrom: Secret ${w.ns}/not-yet not found`);
    await w.apply(secret('not-yet', { value: 'arrived' }));
    await w.waitForCondition('ManagedSecret', 'waiting', 'Programmed', 'True');
    expect(stored('waiting')?.value).toBe('arrived');
    await resync(w, 'ManagedSecret', 'waiting');
  });
});
