import { describe, expect, it } from 'vitest';
import { operatorExample, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';
import { itRunsTheLifecycle } from '../support/wso2-lifecycle.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const stored = (name: string) => w.gateway.state.get('LlmProviderTemplate', name);
const tokens = { location: 'payload', identifier: '$.usage.total_tokens' };
const template = (name: string, spec: Record<string, unknown> = {}, metadata = {}) => wso2('LlmProviderTemplate', name, { displayName: `${name} template`, totalTokens: tokens, ...spec }, metadata);

describe('WSO2 LlmProviderTemplate', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'LlmProviderTemplate',
    make: (name, metadata) => template(name, {}, metadata),
    copies: (name) => (stored(name) ? 1 : 0),
    change: (name) => template(name, { requestModel: { location: 'payload', identifier: '$.model' } }),
    changed: (name) => (stored(name)?.resource.spec as Record<string, unknown>)?.requestModel !== undefined,
    drift: (name) => w.gateway.state.patch('LlmProviderTemplate', name, { spec: { displayName: 'renamed on the gateway' } }),
    drifted: (name) => stored(name)?.resource.spec.displayName === 'renamed on the gateway',
  });

  it("deploys the operator's example unchanged", async () => {
    const [example] = operatorExample('apigateway-restapi-operator-demo/05b-02-llm-resources-apikey.yaml');
    await w.apply(example);
    await w.waitForCondition('LlmProviderTemplate', 'openai-test-apikey', 'Programmed', 'True');
    expect(stored('openai-test-apikey')?.resource.spec).toMatchObject({ displayName: 'OpenAI APIKey', remainingTokens: { location: 'header', identifier: 'x-ratelimit-remaining-tokens' } });
  });
});
