import { describe, expect, it } from 'vitest';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';
import { secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';
import { itRunsTheLifecycle } from '../support/wso2-lifecycle.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const stored = (kind: 'LlmProvider' | 'LlmProxy', name: string) => w.gateway.state.get(kind, name);
const provider = (name: string, spec: Record<string, unknown> = {}, metadata = {}) =>
  wso2('LlmProvider', name, { displayName: `${name} provider`, version: 'v1.0', template: 'openai', context: `/${name}`, upstream: { url: 'http://mock-openapi:4010/openai/v1' }, accessControl: { mode: 'allow_all' }, ...spec }, metadata);
const proxy = (name: string, providerId: string, spec: Record<string, unknown> = {}, metadata = {}) =>
  wso2('LlmProxy', name, { displayName: `${name} proxy`, version: 'v1.0', context: `/${name}`, provider: { id: providerId }, ...spec }, metadata);

describe('WSO2 LlmProvider', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'LlmProvider',
    make: (name, metadata) => provider(name, {}, metadata),
    copies: (name) => (stored('LlmProvider', name) ? 1 : 0),
    change: (name) => provider(name, { accessControl: { mode: 'deny_all', exceptions: [{ path: '/chat/completions', methods: ['POST'] }] } }),
    changed: (name) => (stored('LlmProvider', name)?.resource.spec.accessControl as { mode?: string })?.mode === 'deny_all',
    drift: (name) => w.gateway.state.patch('LlmProvider', name, { spec: { context: '/elsewhere' } }),
    drifted: (name) => stored('LlmProvider', name)?.resource.spec.context === '/elsewhere',
  });

  it('waits for its template resource to be Programmed, then deploys with its upstream credentials and policy params resolved', async () => {
    await w.apply(secret('llm-secrets', { authorization: 'Bearer sk-test-1', header: 'X-API-Key' }));
    const policies = [{ name: 'api-key-auth', version: 'v1', paths: [{ path: '/chat/completions', methods: ['POST'], params: { key: { valueFrom: { secretKeyRef: { name: 'llm-secrets', key: 'header' } } }, in: 'header' } }] }];
    const auth = { type: 'api-key', header: 'Authorization', value: { valueFrom: { name: 'llm-secrets', key: 'authorization' } } };
    await w.apply(provider('templated', { template: 'later-template', policies, upstream: { url: 'http://mock-openapi:4010/openai/v1', auth } }));
    // No template of that name anywhere: the gateway's refusal is a wait, not an invalid spec.
    const waiting = await w.waitForCondition('LlmProvider', 'templated', 'Programmed', 'False', { reason: 'Pending' });
    expect(conditionOf(waiting, 'Programmed')?.message).toContain('spec.template');
    await w.apply(wso2('LlmProviderTemplate', 'later-template', { displayName: 'Later', totalTokens: { location: 'payload', identifier: '$.usage.total_tokens' } }));
    await w.waitForCondition('LlmProvider', 'templated', 'Programmed', 'True');
    const spec = stored('LlmProvider', 'templated')!.resource.spec as any;
    expect(spec.upstream.auth).toEqual({ type: 'api-key', header: 'Authorization', value: 'Bearer sk-test-1' });
    expect(spec.policies[0].paths[0].params).toEqual({ key: 'X-API-Key', in: 'header' });

    await w.apply(secret('llm-secrets', { authorization: 'Bearer sk-test-2', header: 'X-API-Key' }));
    await waitFor('the rotated credentials on the gateway', () => (stored('LlmProvider', 'templated')!.resource.spec as any).upstream.auth.value === 'Bearer sk-test-2');
    expect(w.logs.filter((l) => l.includes('sk-test'))).toEqual([]);
  });

  it('takes deploymentState from its spec', async () => {
    await w.apply(provider('parked', { deploymentState: 'undeployed' }));
    await w.waitForCondition('LlmProvider', 'parked', 'Programmed', 'True');
    expect(stored('LlmProvider', 'parked')?.desiredState).toBe('undeployed');
  });
});

describe('WSO2 LlmProxy', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'LlmProxy',
    prepare: async (name) => {
      await w.apply(provider(`${name}-upstream`));
      await w.waitForCondition('LlmProvider', `${name}-upstream`, 'Programmed', 'True');
    },
    make: (name, metadata) => proxy(name, `${name}-upstream`, {}, metadata),
    copies: (name) => (stored('LlmProxy', name) ? 1 : 0),
    change: (name) => proxy(name, `${name}-upstream`, { context: `/${name}-v2` }),
    changed: (name) => stored('LlmProxy', name)?.resource.spec.context === `/${name}-v2`,
    drift: (name) => w.gateway.state.patch('LlmProxy', name, { spec: { displayName: 'renamed on the gateway' } }),
    drifted: (name) => stored('LlmProxy', name)?.resource.spec.displayName === 'renamed on the gateway',
  });

  it('waits for its provider, then deploys with the provider credentials resolved', async () => {
    await w.apply(secret('proxy-secrets', { key: 'proxy-key-value-1' }));
    await w.apply(proxy('waiting-proxy', 'late-provider', { provider: { id: 'late-provider', auth: { type: 'api-key', header: 'X-API-Key', value: { valueFrom: { name: 'proxy-secrets', key: 'key' } } } } }));
    const waiting = await w.waitForCondition('LlmProxy', 'waiting-proxy', 'Programmed', 'False', { reason: 'Pending' });
    expect(conditionOf(waiting, 'Programmed')?.message).toContain('spec.provider.id');
    await w.apply(provider('late-provider'));
    await w.waitForCondition('LlmProxy', 'waiting-proxy', 'Programmed', 'True');
    expect((stored('LlmProxy', 'waiting-proxy')!.resource.spec as any).provider).toEqual({ id: 'late-provider', auth: { type: 'api-key', header: 'X-API-Key', value: 'proxy-key-value-1' } });
  });
});
