import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';
import { restApi, secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';
import { itRunsTheLifecycle, resync } from '../support/wso2-lifecycle.ts';

let w: Wso2World;
useWso2World(async (world) => {
  w = world;
  await w.apply(restApi('keyed-api', { policies: [{ name: 'api-key-auth', version: 'v1', params: { key: 'X-API-Key', in: 'header' } }] }));
  await w.waitForCondition('RestApi', 'keyed-api', 'Programmed', 'True');
});

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const keys = (name: string) => w.gateway.state.list('ApiKey').filter((k) => k.name === name);
const valueOf = (name: string, n = 1) => `${name}-api-key-value-${n}-0123456789abcdefghij`;
const apiKey = (name: string, spec: Record<string, unknown> = {}, metadata = {}) =>
  wso2('ApiKey', name, { parentRef: { kind: 'RestApi', name: 'keyed-api' }, displayName: `${name} key`, apiKey: { valueFrom: { name: `${name}-value`, key: 'key' } }, expiresIn: { duration: 30, unit: 'days' }, ...spec }, metadata);

describe('WSO2 ApiKey', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'ApiKey',
    prepare: async (name) => void (await w.apply(secret(`${name}-value`, { key: valueOf(name) }))),
    make: (name, metadata) => apiKey(name, {}, metadata),
    copies: (name) => keys(name).length,
    change: (name) => apiKey(name, { expiresIn: null, expiresAt: '2031-01-01T00:00:00Z' }),
    changed: (name) => keys(name)[0]?.expiresAt?.startsWith('2031-01-01') === true,
    drift: (name) => w.gateway.state.patch('ApiKey', keys(name)[0].uuid, { status: 'revoked' }),
    drifted: (name) => keys(name)[0]?.status === 'revoked',
  });

  it('writes the key again when its Secret rotates (the gateway never shows it), and keeps it out of status and logs', async () => {
    await w.apply(secret('rotating-value', { key: valueOf('rotating') }));
    await w.apply(apiKey('rotating'));
    const obj = await w.waitForCondition('ApiKey', 'rotating', 'Programmed', 'True');
    expect(keys('rotating')[0]).toMatchObject({ hash: sha256(valueOf('rotating')), parentHandle: 'keyed-api', status: 'active' });
    expect(obj.status).toMatchObject({ id: 'rotating', secretsFingerprint: expect.stringMatching(/^[0-9a-f]{32}$/) });
    await w.apply(secret('rotating-value', { key: valueOf('rotating', 2) }));
    await waitFor('the rotated key on the gateway', () => keys('rotating')[0]?.hash === sha256(valueOf('rotating', 2)));
    expect(keys('rotating')).toHaveLength(1);
    const all = JSON.stringify((await w.get('ApiKey', 'rotating'))?.status) + w.logs.join('\n');
    expect(all).not.toContain('rotating-api-key-value');
  });

  it('waits for its parent API to be Programmed, on the parent’s gateway', async () => {
    await w.apply(secret('early-value', { key: valueOf('early') }));
    await w.apply(apiKey('early', { parentRef: { kind: 'RestApi', name: 'late-api' } }));
    const waiting = await w.waitForCondition('ApiKey', 'early', 'Programmed', 'False', { reason: 'Pending' });
    expect(conditionOf(waiting, 'Programmed')?.message).toContain('spec.parentRef');
    await w.apply(restApi('late-api'));
    await w.waitForCondition('ApiKey', 'early', 'Programmed', 'True');
    expect(keys('early')[0]).toMatchObject({ parentHandle: 'late-api' });
  });

  it('lets the gateway generate a key without a value, as the operator, and keeps it on resyncs', async () => {
    await w.apply(apiKey('generated', { apiKey: undefined, expiresIn: undefined }));
    await w.waitForCondition('ApiKey', 'generated', 'Programmed', 'True');
    const [key] = keys('generated');
    expect(key).toMatchObject({ source: 'local', status: 'active' });
    await drained();
    const from = w.gateway.calls.length;
    await resync(w, 'ApiKey', 'generated');
    expect(w.gatewayWrites(from)).toEqual([]);
    expect(keys('generated')[0].hash).toBe(key.hash);
  });
});

function drained() {
  return waitFor('queue drained', () => w.plane.drained());
}
