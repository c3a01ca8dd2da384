import { describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait.ts';
import { secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';
import { itRunsTheLifecycle, resync } from '../support/wso2-lifecycle.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const stored = (name: string) => w.gateway.state.get('Mcp', name);
const mcp = (name: string, spec: Record<string, unknown> = {}, metadata = {}) =>
  wso2('Mcp', name, { displayName: `${name} mcp`, version: 'v1.0', context: `/${name}`, specVersion: '2025-06-18', upstream: { url: 'http://mcp-server:3001/mcp' }, tools: [], resources: [], prompts: [], ...spec }, metadata);

describe('WSO2 Mcp', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'Mcp',
    make: (name, metadata) => mcp(name, {}, metadata),
    copies: (name) => (stored(name) ? 1 : 0),
    change: (name) => mcp(name, { upstream: { url: 'http://mcp-server:3002/mcp' } }),
    changed: (name) => (stored(name)?.resource.spec.upstream as { url?: string })?.url === 'http://mcp-server:3002/mcp',
    drift: (name) => w.gateway.state.patch('Mcp', name, { spec: { context: '/elsewhere' } }),
    drifted: (name) => stored(name)?.resource.spec.context === '/elsewhere',
  });

  it('sends its upstream credentials resolved, compares them by fingerprint (never read back), and re-sends them when the Secret rotates', async () => {
    await w.apply(secret('mcp-upstream', { authorization: 'Bearer mcp-token-1' }));
    await w.apply(mcp('guarded', { upstream: { url: 'http://mcp-server:3001/mcp', auth: { type: 'api-key', header: 'Authorization', value: { valueFrom: { name: 'mcp-upstream', key: 'authorization' } } } } }));
    const obj = await w.waitForCondition('Mcp', 'guarded', 'Programmed', 'True');
    expect((stored('guarded')?.resource.spec.upstream as any).auth).toEqual({ type: 'api-key', header: 'Authorization', value: 'Bearer mcp-token-1' });
    expect(obj.status?.secretsFingerprint).toMatch(/^[0-9a-f]{32}$/);
    const from = w.gateway.calls.length;
    await resync(w, 'Mcp', 'guarded');
    expect(w.gatewayWrites(from)).toEqual([]);
    await w.apply(secret('mcp-upstream', { authorization: 'Bearer mcp-token-2' }));
    await waitFor('the rotated credentials on the gateway', () => (stored('guarded')?.resource.spec.upstream as any).auth.value === 'Bearer mcp-token-2');
    expect(JSON.stringify((await w.get('Mcp', 'guarded'))?.status) + w.logs.join('\n')).not.toContain('mcp-token');
  });
});
