import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiArchive } from '../../vendors/wso2/apim/api-archive.ts';
import { apiDefinition } from '../../vendors/wso2/apim/api-definition.ts';
import { multipartFile } from '../../vendors/wso2/apim/multipart.ts';
import { OWNER_PROPERTY, SPEC_HASH_PROPERTY } from '../../vendors/wso2/apim/ownership.ts';
import { nameBasedUuid, policyUuid } from '../../vendors/wso2/apim/policy-uuid.ts';

/** The operator's sample RestApi (examples/wso2/04-restapis.yaml), with a policy and a path parameter added. */
const spec = {
  displayName: 'test-api',
  version: 'v1.0',
  context: '/test/$version',
  upstream: { main: { url: 'https://httpbin.org/anything' } },
  policies: [{ name: 'jwt-auth', version: 'v1', params: { issuers: ['WSO2KeyManager1'], secret: { valueFrom: { secretKeyRef: { name: 's', key: 'k' } } } } }],
  operations: [
    { method: 'GET', path: '/info' },
    { method: 'POST', path: '/submit', policies: [{ name: 'set-headers', version: 'v2', params: { h: 'x' } }] },
    { match: { method: 'GET', path: { value: '/items/{itemId}', type: 'Exact' } } },
  ],
};
const opts = { owner: 'local/ns/api-with-gateway-refs', environment: 'prod-gateway', provider: 'admin' };

function unzip(bytes: Uint8Array): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(bytes)).map(([k, v]) => [k, strFromU8(v)]));
}

describe('the archive APIM imports', () => {
  const archive = apiArchive(apiDefinition(spec), opts);
  const files = unzip(archive.bytes);

  it('has the gateway export layout: {name}-{version}/api.yaml, deployment_environments.yaml, Definitions/swagger.yaml', () => {
    expect(Object.keys(files).sort()).toEqual(['test-api-v1.0/Definitions/swagger.yaml', 'test-api-v1.0/api.yaml', 'test-api-v1.0/deployment_environments.yaml']);
    expect(archive.directory).toBe('test-api-v1.0');
    expect(archive.fileName).toBe('test-api-v1.0.zip');
  });

  it('api.yaml is a v4.7.0 api initiated from an APIPlatform gateway, with endpoints, operations and policies', () => {
    const doc = parse(files['test-api-v1.0/api.yaml']);
    expect(doc).toMatchObject({ type: 'api', version: 'v4.7.0' });
    expect(doc.data).toMatchObject({
      name: 'test-api',
      version: 'v1.0',
      context: '/test/v1.0',
      type: 'HTTP',
      transport: ['http', 'https'],
      provider: 'admin',
      policies: ['Unlimited'],
      securityScheme: ['oauth_basic_auth_api_key_mandatory'],
      visibility: 'PUBLIC',
      gatewayType: 'APIPlatform',
      gatewayVendor: 'wso2',
      initiatedFromGateway: true,
      endpointConfig: { endpoint_type: 'http', production_endpoints: { url: 'https://httpbin.org/anything' }, sandbox_endpoints: { url: 'https://httpbin.org/anything' } },
    });
    expect(doc.data.operations.map((o: { verb: string; target: string }) => `${o.verb} ${o.target}`)).toEqual(['GET /info', 'POST /submit', 'GET /items/{itemId}']);
    expect(doc.data.operations[0]).toMatchObject({ authType: 'Application & Application User', throttlingPolicy: 'Unlimited', operationHubPolicies: [] });
    expect(doc.data.operations[1].operationHubPolicies).toEqual([{ policyName: 'set-headers', policyId: policyUuid('set-headers', '2.0'), policyVersion: '2.0', policyType: null, parameters: { h: 'x' } }]);
    // A parameter given by valueFrom stays in the cluster.
    expect(doc.data.apiHubPolicies).toEqual([{ policyName: 'jwt-auth', policyId: policyUuid('jwt-auth', '1.0'), policyVersion: '1.0', policyType: null, parameters: { issuers: ['WSO2KeyManager1'] } }]);
    expect(doc.data.additionalProperties).toEqual([
      { name: OWNER_PROPERTY, value: 'local/ns/api-with-gateway-refs', display: false },
      { name: SPEC_HASH_PROPERTY, value: archive.hash, display: false },
    ]);
  });

  it('deployment_environments.yaml names the gateway environment, so APIM deploys the imported revision there', () => {
    expect(parse(files['test-api-v1.0/deployment_environments.yaml'])).toEqual({
      type: 'deployment_environments',
      version: 'v4.3.0',
      data: [{ deploymentEnvironment: 'prod-gateway', displayOnDevportal: true }],
    });
  });

  it('the definition is an OpenAPI 3.0 document of the operations, path parameters declared', () => {
    const doc = parse(files['test-api-v1.0/Definitions/swagger.yaml']);
    expect(doc).toMatchObject({ openapi: '3.0.0', info: { title: 'test-api', version: 'v1.0' }, servers: [{ url: 'https://httpbin.org/anything' }] });
    expect(Object.keys(doc.paths)).toEqual(['/info', '/submit', '/items/{itemId}']);
    expect(doc.paths['/items/{itemId}'].get.parameters).toEqual([{ name: 'itemId', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(doc.paths['/info'].get.parameters).toBeUndefined();
  });

  it('is a function of the spec: the same bytes and hash again; another spec, environment or owner, another hash', () => {
    const again = apiArchive(apiDefinition(structuredClone(spec)), opts);
    expect(Buffer.from(again.bytes).equals(Buffer.from(archive.bytes))).toBe(true);
    expect(again.hash).toBe(archive.hash);
    const changed = [
      apiArchive(apiDefinition({ ...spec, operations: [...spec.operations, { method: 'DELETE', path: '/info' }] }), opts),
      apiArchive(apiDefinition(spec), { ...opts, environment: 'other-gateway' }),
      apiArchive(apiDefinition(spec), { ...opts, owner: 'other/ns/api' }),
      apiArchive(apiDefinition({ ...spec, upstream: { main: { url: 'https://elsewhere.example/v2' } } }), opts),
    ];
    for (const c of changed) expect(c.hash).not.toBe(archive.hash);
  });
});

describe('what a RestApi becomes in APIM', () => {
  it('an upstream ref routes to the first target of its upstreamDefinition, under its base path', () => {
    const def = apiDefinition({
      displayName: 'orders',
      version: 'v1.0',
      context: '/orders',
      upstreamDefinitions: [{ name: 'orders-backend', basePath: '/api', upstreams: [{ url: 'http://orders.default.svc:8080/' }, { url: 'http://b:1' }] }],
      upstream: { main: { ref: 'orders-backend' } },
      operations: [{ method: 'GET', path: '/info' }],
    });
    expect(def.productionUrl).toBe('http://orders.default.svc:8080/api');
    expect(def.sandboxUrl).toBe(def.productionUrl);
  });

  it('a sandbox upstream is the sandbox endpoint', () => {
    const def = apiDefinition({ ...spec, upstream: { main: { url: 'https://prod.example' }, sandbox: { url: 'https://sandbox.example' } } });
    expect([def.productionUrl, def.sandboxUrl]).toEqual(['https://prod.example', 'https://sandbox.example']);
  });

  it('what APIM cannot take is refused naming the field', () => {
    const refused = (s: unknown) => {
      try {
        apiDefinition(s);
      } catch (e) {
        return (e as Error & { retry: string; invalid: boolean });
      }
      throw new Error('accepted');
    };
    const missingRef = refused({ ...spec, upstream: { main: { ref: 'nowhere' } } });
    expect(missingRef.message).toContain('spec.upstream.main.ref: no upstreamDefinitions entry named "nowhere"');
    expect([missingRef.retry, missingRef.invalid]).toEqual(['permanent', true]);
    expect(refused({ ...spec, displayName: undefined }).message).toContain('spec.displayName');
    expect(refused({ ...spec, operations: [{ method: 'GET' }] }).message).toContain('spec.operations[0]: operation must set both method and path, or set match');
  });
});

describe('policy ids', () => {
  it('are RFC 4122 version 5 UUIDs, as the gateway computes them', () => {
    // Python's uuid.uuid5(uuid.NAMESPACE_DNS, 'python.org').
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
    expect(policyUuid('jwt-auth', '1.0')).toBe(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'apim:policy:jwt-auth:1.0'));
  });
});

describe('the multipart upload', () => {
  it('is a form-data body with the zip as field "file", which a server parses back', async () => {
    const bytes = new Uint8Array([80, 75, 3, 4, 0, 255, 1]);
    const body = await multipartFile('file', 'test-api-v1.0.zip', bytes, 'application/zip');
    expect(body.contentType).toMatch(/^multipart\/form-data; boundary=/);
    const form = await new Response(body.data as Uint8Array<ArrayBuffer>, { headers: { 'content-type': body.contentType } }).formData();
    const file = form.get('file') as File;
    expect(file.name).toBe('test-api-v1.0.zip');
    expect(file.type).toBe('application/zip');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });
});
