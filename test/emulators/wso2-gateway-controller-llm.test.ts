import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startWso2GatewayController, type Wso2GatewayController } from '../../emulators/wso2/gateway-controller/index.ts';
import { call, example } from './wso2-gateway-controller-helpers.ts';

let emu: Wso2GatewayController;
beforeAll(async () => {
  emu = await startWso2GatewayController();
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const template = () => example('gateway-examples/llm-provider-template.yaml', 'my-llm-provider-template');
const provider = () => example('gateway-examples/llm-provider.yaml', 'my-llm-provider');
const openai = () => example('gateway-examples/openai-provider.yaml', 'openai-provider');
const anthropic = () => example('gateway-examples/anthropic-provider.yaml', 'anthropic-provider');

async function created(path: string, body: unknown) {
  const r = await call(emu, 'POST', path, { body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe('LLM provider templates', () => {
  it('lists the built-in templates beside the ones created, with defaults written in', async () => {
    const body = await created('/llm-provider-templates', template());
    expect(body).toEqual({ ...template(), status: { id: 'my-llm-provider-template', createdAt: expect.any(String), updatedAt: expect.any(String) } });
    const minimal = await created('/llm-provider-templates', { ...template(), metadata: { name: 'minimal' }, spec: { displayName: 'Minimal' } });
    expect(minimal.spec).toEqual({ displayName: 'Minimal', groupId: 'minimal', version: 'v1.0', managedBy: 'organization' });
    const listed = await call(emu, 'GET', '/llm-provider-templates');
    expect(listed.body.templates.map((t: any) => t.metadata.name)).toEqual(['openai', 'anthropic', 'awsbedrock', 'azureai-foundry', 'azure-openai', 'gemini', 'mistralai', 'my-llm-provider-template', 'minimal']);
    expect((await call(emu, 'GET', '/llm-provider-templates?displayName=OpenAI')).body.count).toBe(2);
    const yaml = await call(emu, 'GET', '/llm-provider-templates/openai', { accept: 'application/yaml' });
    expect(yaml.headers.get('content-type')).toBe('application/yaml');
    expect(yaml.body.spec.groupId).toBe('wso2-openai');
    expect(emu.violations()).toEqual([]);
  });

  it('refuses a second template of the same handle (409) and changes of handle, group or version', async () => {
    await created('/llm-provider-templates', template());
    expect(await call(emu, 'POST', '/llm-provider-templates', { body: template() })).toMatchObject({
      status: 409,
      body: { message: "configuration already exists: template with handle 'my-llm-provider-template' already exists" },
    });
    const moved = await call(emu, 'PUT', '/llm-provider-templates/my-llm-provider-template', { body: { ...template(), spec: { ...template().spec, version: 'v2.0' } } });
    expect(moved).toMatchObject({ status: 400, body: { message: "template configuration invalid: cannot change template version from 'v1.0' to 'v2.0'; version is immutable" } });
    const renamed = await call(emu, 'PUT', '/llm-provider-templates/my-llm-provider-template', { body: { ...template(), metadata: { name: 'other' } } });
    expect(renamed.body.message).toBe("template configuration invalid: cannot change template handle from 'my-llm-provider-template' to 'other'; use create/delete instead");
    const invalid = await call(emu, 'POST', '/llm-provider-templates', { body: { ...template(), metadata: { name: 'Bad_Name' } } });
    expect(invalid).toMatchObject({ status: 400, body: { message: expect.stringContaining('1. metadata.name: metadata.name must consist of lowercase alphanumeric characters') } });
    expect((await call(emu, 'DELETE', '/llm-provider-templates/my-llm-provider-template')).body).toEqual({
      status: 'success',
      message: 'LLM provider template deleted successfully',
      id: 'my-llm-provider-template',
    });
    expect(await call(emu, 'GET', '/llm-provider-templates/my-llm-provider-template')).toMatchObject({ status: 404, body: { message: "Template with id 'my-llm-provider-template' not found" } });
  });
});

describe('LLM providers', () => {
  it('deploys a provider on its template and never answers the upstream credential', async () => {
    await created('/llm-provider-templates', template());
    const body = await created('/llm-providers', provider());
    expect(body.spec.upstream).toEqual({ url: 'https://httpbin.org/anything/v1', auth: { type: 'api-key', header: 'Authorization' } });
    expect(body.status).toMatchObject({ id: 'my-llm-provider', state: 'deployed' });
    expect(emu.state.get('LlmProvider', 'my-llm-provider')?.resource.spec.upstream).toMatchObject({ auth: { value: 'api_key_abc123' } });
    for (const r of [await call(emu, 'GET', '/llm-providers/my-llm-provider'), await call(emu, 'GET', '/llm-providers')]) {
      expect(r.text).not.toContain('api_key_abc123');
    }
    expect((await call(emu, 'GET', '/llm-providers?vhost=api.my-llm-provider.local')).body.count).toBe(1);
    expect((await call(emu, 'GET', '/llm-providers?vhost=other.local')).body).toEqual({ status: 'success', count: 0, providers: [] });
    expect(emu.violations()).toEqual([]);
  });

  it('keeps the stored credential when an update omits it, drops it with auth type none, and undeploys', async () => {
    await created('/llm-providers', openai());
    const withoutValue = openai();
    delete (withoutValue.spec.upstream.auth as Record<string, unknown>).value;
    const updated = await call(emu, 'PUT', '/llm-providers/openai-provider', { body: { ...withoutValue, spec: { ...withoutValue.spec, deploymentState: 'undeployed' } } });
    expect(updated.status).toBe(200);
    expect(updated.body.status.state).toBe('undeployed');
    expect(emu.state.get('LlmProvider', 'openai-provider')?.resource.spec.upstream).toMatchObject({ auth: { value: 'Bearer sk-REPLACE_WITH_OPENAI_KEY' } });
    const none = await call(emu, 'PUT', '/llm-providers/openai-provider', { body: { ...withoutValue, spec: { ...withoutValue.spec, upstream: { url: 'https://api.openai.com/v1', auth: { type: 'none' } } } } });
    expect(none.status).toBe(200);
    expect(emu.state.get('LlmProvider', 'openai-provider')?.resource.spec.upstream).toEqual({ url: 'https://api.openai.com/v1', auth: { type: 'none' } });
  });

  it('answers every refusal with 400 and the service message, as the gateway handler does', async () => {
    const noTemplate = await call(emu, 'POST', '/llm-providers', { body: provider() });
    expect(noTemplate).toMatchObject({
      status: 400,
      body: { status: 'error', message: "failed to transform LLM provider to API configuration: failed to retrieve template 'my-llm-provider-template': configuration not found" },
    });
    await created('/llm-providers', openai());
    const clash = await call(emu, 'POST', '/llm-providers', { body: openai() });
    expect(clash).toMatchObject({ status: 400, body: { message: "configuration already exists: configuration with name 'OpenAI Provider' and version 'v1.0' already exists" } });
    const invalid = await call(emu, 'POST', '/llm-providers', { body: { ...anthropic(), spec: { ...anthropic().spec, upstream: { url: 'https://api.anthropic.com', auth: { type: 'api-key' } } } } });
    expect(invalid.body.message).toBe(
      'provider validation failed with 2 error(s): 1. spec.upstream.auth.header: Auth header is required when api-key auth type is set; 2. spec.upstream.auth.value: Auth value is required when api-key auth type is set',
    );
    expect((await call(emu, 'PUT', '/llm-providers/nope', { body: anthropic() })).status).toBe(400);
    expect(await call(emu, 'GET', '/llm-providers/nope')).toMatchObject({ status: 404, body: { message: "LLM provider configuration with handle 'nope' not found" } });
  });

  it('renders {{ secret }} from the gateway\'s secrets, keeping the expression', async () => {
    const expression = '{{ secret "anthropic-key" }}';
    const body = { ...anthropic(), spec: { ...anthropic().spec, upstream: { url: 'https://api.anthropic.com', auth: { type: 'api-key', header: 'x-api-key', value: expression } } } };
    expect(await call(emu, 'POST', '/llm-providers', { body })).toMatchObject({ status: 400, body: { message: 'failed to resolve secret "anthropic-key": configuration not found: id=anthropic-key' } });
    await call(emu, 'POST', '/secrets', { body: { apiVersion: 'gateway.api-platform.wso2.com/v1', kind: 'Secret', metadata: { name: 'anthropic-key' }, spec: { displayName: 'anthropic key', value: 'sk-ant-1' } } });
    await created('/llm-providers', body);
    expect(emu.state.get('LlmProvider', 'anthropic-provider')?.resource.spec.upstream).toMatchObject({ auth: { value: expression } });
  });

  it('issues API keys under a provider', async () => {
    await created('/llm-providers', openai());
    const key = await call(emu, 'POST', '/llm-providers/openai-provider/api-keys', { body: { name: 'loopback' }, json: true });
    expect(key.status).toBe(201);
    expect(key.body.apiKey).toMatchObject({ name: 'loopback', apiId: 'openai-provider', source: 'local' });
    expect((await call(emu, 'GET', '/llm-providers/openai-provider/api-keys')).body.totalCount).toBe(1);
    // the gateway answers an expiry in the past with a 500 carrying the service's words (RestApi keys: a bare 500)
    const expired = await call(emu, 'POST', '/llm-providers/openai-provider/api-keys', { body: { name: 'late', expiresAt: '2020-01-01T00:00:00Z' }, json: true });
    expect(expired).toMatchObject({ status: 500, body: { status: 'error', message: expect.stringMatching(/^failed to generate API key: API key expiration time must be in the future, got: 2020-01-01T00:00:00Z/) } });
    expect((await call(emu, 'DELETE', '/llm-providers/openai-provider')).body).toEqual({ status: 'success', message: 'LLM provider deleted successfully', id: 'openai-provider' });
    expect(emu.state.list('ApiKey')).toEqual([]);
  });
});

describe('LLM proxies', () => {
  const proxy = () => example('gateway-examples/anthropic-openai-proxy.yaml', 'openai-to-anthropic');

  it('refuses a policy the default gateway image does not have', async () => {
    await created('/llm-providers', anthropic());
    const r = await call(emu, 'POST', '/llm-proxies', { body: proxy() });
    expect(r).toMatchObject({
      status: 400,
      body: { message: "proxy configuration invalid: 1 policy error(s): 1. spec.policies[0].version: policy 'openai-to-anthropic' major version 'v1' not found in loaded policy definitions" },
    });
  });

  it('deploys a proxy in front of its provider, hiding provider credentials, on a gateway with its policies', async () => {
    const custom = await startWso2GatewayController({ policies: 'any' });
    try {
      const post = (path: string, body: unknown) => call(custom, 'POST', path, { body });
      expect(await post('/llm-proxies', proxy())).toMatchObject({ status: 404, body: { message: 'LLM proxy configuration not found' } });
      expect((await post('/llm-providers', anthropic())).status).toBe(201);
      const r = await post('/llm-proxies', proxy());
      expect(r.status).toBe(201);
      expect(r.body.spec.provider).toEqual({ id: 'anthropic-provider', auth: { type: 'api-key', header: 'X-API-Key' } });
      expect(r.body.metadata.annotations).toEqual({ 'gateway.api-platform.wso2.com/project-id': 'default' });
      expect(await post('/llm-proxies', proxy())).toMatchObject({ status: 409 });
      expect((await call(custom, 'GET', '/llm-proxies')).body).toMatchObject({ status: 'success', count: 1 });
      expect((await call(custom, 'GET', '/llm-proxies/openai-to-anthropic', { accept: 'application/yaml' })).headers.get('content-type')).toBe('application/yaml');
      const key = await call(custom, 'POST', '/llm-proxies/openai-to-anthropic/api-keys', { body: { name: 'consumer-key' }, json: true });
      expect(key.status).toBe(201);
      expect((await call(custom, 'DELETE', '/llm-proxies/openai-to-anthropic')).body.message).toBe('LLM proxy deleted successfully');
      expect(await call(custom, 'GET', '/llm-proxies/openai-to-anthropic')).toMatchObject({ status: 404, body: { message: "LLM proxy configuration with handle 'openai-to-anthropic' not found" } });
      expect(custom.violations()).toEqual([]);
    } finally {
      await custom.close();
    }
  });
});

describe('MCP proxies', () => {
  const mcp = () => example('gateway-examples/mcp-proxy.yaml', 'everything-mcp-v1.0');

  it('creates, reads (JSON or YAML), lists, updates and deletes', async () => {
    const body = await created('/mcp-proxies', mcp());
    expect(body).toMatchObject({ ...mcp(), status: { id: 'everything-mcp-v1.0', state: 'deployed' } });
    expect((await call(emu, 'GET', '/mcp-proxies/everything-mcp-v1.0', { accept: 'application/yaml' })).body.spec.specVersion).toBe('2025-06-18');
    expect((await call(emu, 'GET', '/mcp-proxies?context=/everything')).body).toMatchObject({ count: 1, mcpProxies: [expect.objectContaining({ metadata: expect.objectContaining({ name: 'everything-mcp-v1.0' }) })] });
    const updated = await call(emu, 'PUT', '/mcp-proxies/everything-mcp-v1.0', { body: { ...mcp(), spec: { ...mcp().spec, deploymentState: 'undeployed' } } });
    expect(updated.body.status.state).toBe('undeployed');
    expect(await call(emu, 'POST', '/mcp-proxies', { body: mcp() })).toMatchObject({ status: 409 });
    expect((await call(emu, 'DELETE', '/mcp-proxies/everything-mcp-v1.0')).body).toEqual({ status: 'success', message: 'MCP proxy configuration deleted successfully', id: 'everything-mcp-v1.0' });
    expect(emu.violations()).toEqual([]);
  });

  it('refuses an invalid creation with 400, and answers an invalid update with the gateway\'s 404', async () => {
    const invalid = { ...mcp(), spec: { ...mcp().spec, specVersion: '2024-01-01' } };
    expect(await call(emu, 'POST', '/mcp-proxies', { body: invalid })).toMatchObject({
      status: 400,
      body: { message: 'configuration validation failed with 1 error(s): 1. spec.specVersion: Unsupported MCP spec version (supported versions: 2025-06-18, 2025-11-25)' },
    });
    await created('/mcp-proxies', mcp());
    expect(await call(emu, 'PUT', '/mcp-proxies/everything-mcp-v1.0', { body: invalid })).toMatchObject({ status: 404, body: { message: "MCP configuration with handle 'everything-mcp-v1.0' not found" } });
    expect(emu.state.get('Mcp', 'everything-mcp-v1.0')?.resource.spec.specVersion).toBe('2025-06-18');
  });
});
