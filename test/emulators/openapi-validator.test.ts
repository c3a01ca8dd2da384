import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createContract, loadSpec } from '../../emulators/openapi/index.ts';

const specs = fileURLToPath(new URL('../../emulators/specs/gravitee/', import.meta.url));
const automation = loadSpec(specs + 'automation-open-api.yaml', { basePaths: ['/automation'] });
const installation = loadSpec(specs + 'management-v2-openapi-installation.yaml');
const v2apis = loadSpec(specs + 'management-v2-openapi-apis.yaml');
const A = '/automation/organizations/DEFAULT/environments/DEFAULT';
const json = { 'content-type': 'application/json' };

const application = { hrid: 'default-app', name: 'App', description: 'An app', settings: { app: { type: 'web' } } };
const api = {
  hrid: 'default-api',
  name: 'API',
  version: '1',
  type: 'PROXY',
  lifecycleState: 'CREATED',
  listeners: [{ type: 'HTTP', paths: [{ path: '/x' }], entrypoints: [{ type: 'http-proxy' }] }],
  endpointGroups: [{ name: 'default', type: 'http-proxy', endpoints: [{ name: 'e', type: 'http-proxy' }] }],
};

describe('OpenAPI 3.1 (Automation API)', () => {
  it('accepts a valid API import and names the operation', () => {
    const r = automation.validateRequest({ method: 'PUT', path: `${A}/apis`, query: new URLSearchParams('dryRun=true'), headers: json, body: api });
    expect(r.violations).toEqual([]);
    expect(r.operationId).toBe('createOrUpdateApis');
    expect(r.operation?.pathParams).toEqual({ orgId: 'DEFAULT', envId: 'DEFAULT' });
  });

  it('reports body violations with JSON pointers', () => {
    const body = { ...api, name: '', listeners: [{ type: 'TCP' }, { type: 'QUIC' }] };
    const r = automation.validateRequest({ method: 'PUT', path: `${A}/apis`, headers: json, body });
    expect(r.violations).toEqual(
      expect.arrayContaining([
        { in: 'body', pointer: '/name', message: 'must NOT have fewer than 1 characters' },
        { in: 'body', pointer: '/listeners/0/hosts', message: "must have required property 'hosts'" },
        expect.objectContaining({ in: 'body', pointer: '/listeners/1/type' }),
      ]),
    );
  });

  it('picks the discriminated listener schema instead of failing oneOf on overlapping alternatives', () => {
    const body = { ...api, listeners: [{ type: 'SUBSCRIPTION', entrypoints: [{ type: 'webhook' }] }, { type: 'KAFKA', host: 'k' }] };
    expect(automation.validateRequest({ method: 'PUT', path: `${A}/apis`, headers: json, body }).violations).toEqual([]);
  });

  it('checks query parameter types, required bodies and media types', () => {
    const badQuery = automation.validateRequest({ method: 'PUT', path: `${A}/applications`, query: new URLSearchParams('dryRun=yes'), headers: json, body: application });
    expect(badQuery.violations).toEqual([{ in: 'query', pointer: '/dryRun', message: 'must be boolean' }]);
    const noBody = automation.validateRequest({ method: 'PUT', path: `${A}/applications`, headers: json });
    expect(noBody.violations).toEqual([{ in: 'body', pointer: '', message: 'request body is required' }]);
    const xml = automation.validateRequest({ method: 'PUT', path: `${A}/applications`, headers: { 'content-type': 'application/xml' }, body: '<a/>' });
    expect(xml.violations[0]!.message).toContain("unsupported content type 'application/xml'");
    const untyped = automation.validateRequest({ method: 'PUT', path: `${A}/applications`, body: application });
    expect(untyped.violations).toEqual([{ in: 'header', pointer: '/content-type', message: 'a request with a body needs a Content-Type' }]);
    const getWithBody = automation.validateRequest({ method: 'GET', path: `${A}/applications/default-app`, body: {} });
    expect(getWithBody.violations[0]!.message).toBe('this operation does not accept a request body');
  });

  it('reports unknown paths and methods', () => {
    expect(automation.validateRequest({ method: 'GET', path: `${A}/unknown` }).violations).toEqual([
      { in: 'route', pointer: '', message: `no operation matches GET ${A}/unknown` },
    ]);
    const post = automation.validateRequest({ method: 'POST', path: `${A}/apis` });
    expect(post.operationId).toBeUndefined();
    expect(post.violations[0]!.message).toBe('method POST is not allowed on this path (allowed: PUT)');
    // the spec's paths only answer under the configured base path
    expect(automation.matchRoute('GET', '/organizations/DEFAULT/environments/DEFAULT/apis/x')).toBeUndefined();
    expect(automation.matchRoute('GET', `${A}/apis/x`)?.operationId).toBe('getApi');
  });
});

describe('OpenAPI 3.0 (Management API v2)', () => {
  it('takes server variables as path parameters and honours path-level servers', () => {
    const env = installation.validateRequest({ method: 'GET', path: '/management/v2/organizations/acme/environments/dev' });
    expect(env).toMatchObject({ operationId: 'getEnvironmentById', violations: [] });
    expect(env.operation?.pathParams).toEqual({ orgId: 'acme', envId: 'dev' });
    expect(installation.matchRoute('GET', '/management/v2/organizations/acme')?.operationId).toBe('getOrganizationById');
  });

  it('validates query parameters and prefers concrete paths over templated ones', () => {
    const base = '/management/v2/organizations/DEFAULT/environments/DEFAULT/apis';
    expect(v2apis.validateRequest({ method: 'GET', path: base, query: new URLSearchParams('page=2&perPage=10') }).violations).toEqual([]);
    expect(v2apis.validateRequest({ method: 'GET', path: base, query: new URLSearchParams('page=two') }).violations).toEqual([
      { in: 'query', pointer: '/page', message: 'must be integer' },
    ]);
    expect(v2apis.matchRoute('GET', `${base}/0f1e`)?.operationId).toBe('getApi');
    expect(v2apis.matchRoute('POST', `${base}/_search`)?.pathTemplate).toBe('/environments/{envId}/apis/_search');
  });

  it('loads the GKO spec that is not valid YAML upstream', () => {
    const gko = loadSpec(specs + 'gko-openapi-management-selected-endpoints.yml');
    expect(gko.matchRoute('PUT', '/management/v2/organizations/DEFAULT/environments/DEFAULT/apis/_import/crd')?.operationId).toBeDefined();
  });
});

describe('generic features (inline documents)', () => {
  const doc = () => ({
    openapi: '3.0.3',
    info: { title: 'inline', version: '1' },
    components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Key' } } },
    security: [{ key: [] }],
    paths: {
      '/things/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
        post: {
          operationId: 'postThing',
          parameters: [
            { name: 'X-Trace', in: 'header', required: true, schema: { type: 'string' } },
            { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string', enum: ['a', 'b'] } } },
          ],
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  required: ['count'],
                  properties: { count: { type: 'integer', exclusiveMinimum: true, minimum: 0 }, note: { type: 'string', nullable: true } },
                },
              },
            },
          },
        },
      },
    },
  });

  it('coerces form fields, path and query values, and converts 3.0 keywords', () => {
    const c = createContract(doc(), { checkSecurity: true });
    const ok = c.validateRequest({
      method: 'POST',
      path: '/things/7',
      query: new URLSearchParams('tags=a&tags=b'),
      headers: { 'X-Trace': 't', 'x-key': 'k', 'content-type': 'application/x-www-form-urlencoded' },
      body: { count: '3', note: null },
    });
    expect(ok.violations).toEqual([]);
  });

  it('reports every kind of problem at once', () => {
    const c = createContract(doc(), { checkSecurity: true });
    const r = c.validateRequest({
      method: 'POST',
      path: '/things/0',
      query: new URLSearchParams('tags=c'),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { count: '0' },
    });
    expect(r.violations).toEqual([
      { in: 'header', pointer: '/x-trace', message: "required header parameter 'x-trace' is missing" },
      { in: 'path', pointer: '/id', message: 'must be >= 1' },
      expect.objectContaining({ in: 'query', pointer: '/tags/0' }),
      { in: 'security', pointer: '', message: 'no credential satisfies the operation security requirements' },
      { in: 'body', pointer: '/count', message: 'must be > 0' },
    ]);
  });

  it('rejects unsupported OpenAPI versions', () => {
    expect(() => createContract({ swagger: '2.0', paths: {} })).toThrow(/unsupported OpenAPI version/);
  });
});

describe('YAML request bodies', () => {
  const wso2 = fileURLToPath(new URL('../../emulators/specs/wso2/', import.meta.url));
  const gateway = loadSpec(wso2 + 'api-platform/gateway-controller-management-openapi.yaml', { basePaths: ['/api/management/v1'] });
  const yaml = { 'content-type': 'application/yaml' };
  const restApi = [
    'apiVersion: gateway.api-platform.wso2.com/v1',
    'kind: RestApi',
    'metadata:',
    '  name: reading-list-v1.0',
    'spec:',
    '  displayName: Reading List',
    '  version: v1.0',
    '  context: /reading-list',
    '  upstream:',
    '    main:',
    '      url: https://backend.example.com/v1',
    '  operations:',
    '    - method: GET',
    '      path: /books',
  ].join('\n');

  it('parses a YAML text and validates it as JSON, returning the parsed body', () => {
    const r = gateway.validateRequest({ method: 'POST', path: '/api/management/v1/rest-apis', headers: yaml, body: restApi });
    expect(r.violations).toEqual([]);
    expect(r.operationId).toBe('createRestAPI');
    expect(r.body).toMatchObject({ kind: 'RestApi', spec: { operations: [{ method: 'GET', path: '/books' }] } });
    // bytes and already parsed values are accepted too
    expect(gateway.validateRequest({ method: 'POST', path: '/api/management/v1/rest-apis', headers: yaml, body: Buffer.from(restApi) }).violations).toEqual([]);
  });

  it('reports schema problems of a YAML body with JSON pointers, without coercing YAML scalars', () => {
    const body = restApi.replace('method: GET', 'method: FETCH').replace('version: v1.0', 'version: 1.0');
    const r = gateway.validateRequest({ method: 'POST', path: '/api/management/v1/rest-apis', headers: yaml, body });
    expect(r.violations).toEqual(
      expect.arrayContaining([
        { in: 'body', pointer: '/spec/version', message: 'must be string' },
        expect.objectContaining({ in: 'body', pointer: '/spec/operations/0/method' }),
      ]),
    );
  });

  it('makes a body that does not parse a violation', () => {
    for (const body of ['kind: [RestApi', 'a: 1\na: 2', 'a: 1\n---\nb: 2']) {
      const r = gateway.validateRequest({ method: 'POST', path: '/api/management/v1/rest-apis', headers: yaml, body });
      expect(r.violations).toHaveLength(1);
      expect(r.violations[0]).toMatchObject({ in: 'body', pointer: '' });
      expect(r.violations[0]!.message).toMatch(/^request body is not valid YAML: /);
      expect(r.body).toBeUndefined();
    }
  });

  it('recognises the YAML media type family (+yaml suffix, charset parameter)', () => {
    const c = createContract({
      openapi: '3.1.0',
      info: { title: 'inline', version: '1' },
      paths: { '/x': { put: { requestBody: { required: true, content: { 'application/vnd.thing+yaml': { schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } } } } } },
    });
    const put = (contentType: string, body: string) => c.validateRequest({ method: 'PUT', path: '/x', headers: { 'content-type': contentType }, body }).violations;
    expect(put('application/vnd.thing+yaml; charset=utf-8', 'n: 3')).toEqual([]);
    expect(put('application/vnd.thing+yaml', 'n: "3"')).toEqual([{ in: 'body', pointer: '/n', message: 'must be integer' }]);
    expect(put('application/json', '{"n": 3}')[0]!.message).toContain("unsupported content type 'application/json'");
  });
});

describe('multipart/form-data request bodies', () => {
  const wso2 = fileURLToPath(new URL('../../emulators/specs/wso2/', import.meta.url));
  const publisher = loadSpec(wso2 + 'apim/publisher-api-v4.yaml', { basePaths: ['/api/am/publisher/v4'] });
  const multipart = { 'content-type': 'multipart/form-data; boundary=x' };
  const P = '/api/am/publisher/v4';

  it('checks a file part for presence only, whatever value stands for it', () => {
    for (const file of [Buffer.from('PK\u0003\u0004'), new Blob(['zip']), { filename: 'api.zip', data: new Uint8Array([1]) }, '']) {
      const r = publisher.validateRequest({ method: 'POST', path: `${P}/apis/import`, query: new URLSearchParams('overwrite=true'), headers: multipart, body: { file } });
      expect(r.violations).toEqual([]);
    }
    const missing = publisher.validateRequest({ method: 'POST', path: `${P}/apis/import`, headers: multipart, body: {} });
    expect(missing.violations).toEqual([{ in: 'body', pointer: '/file', message: "must have required property 'file'" }]);
    const nullFile = publisher.validateRequest({ method: 'POST', path: `${P}/apis/import`, headers: multipart, body: { file: null } });
    expect(nullFile.violations).toEqual([expect.objectContaining({ in: 'body', pointer: '/file' })]);
  });

  it('validates text parts against their schemas and enforces required parts next to a $ref', () => {
    const cert = (fields: Record<string, unknown>) =>
      publisher.validateRequest({ method: 'POST', path: `${P}/apis/123/client-certificates`, headers: multipart, body: fields }).violations;
    expect(cert({ certificate: Buffer.from('pem'), alias: 'a1', tier: 'Gold' })).toEqual([]);
    expect(cert({ certificate: Buffer.from('pem'), tier: 'Gold' })).toEqual([{ in: 'body', pointer: '/alias', message: "must have required property 'alias'" }]);
    expect(cert({ certificate: Buffer.from('pem'), alias: 'x'.repeat(31), tier: 'Gold' })).toEqual([
      { in: 'body', pointer: '/alias', message: 'must NOT have more than 30 characters' },
    ]);
    // a file where text is expected is not text
    expect(cert({ certificate: Buffer.from('pem'), alias: Buffer.from('a1'), tier: 'Gold' })[0]).toMatchObject({ pointer: '/alias' });
  });

  it('coerces text parts and decodes JSON parts of object properties', () => {
    const c = createContract({
      openapi: '3.0.3',
      info: { title: 'inline', version: '1' },
      components: {
        schemas: {
          Upload: {
            type: 'object',
            required: ['files', 'meta'],
            properties: {
              files: { type: 'array', items: { type: 'string', format: 'binary' } },
              count: { type: 'integer', minimum: 1 },
              meta: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
            },
          },
        },
      },
      paths: { '/upload': { post: { requestBody: { content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/Upload' } } } } } } },
    });
    const post = (body: unknown) => c.validateRequest({ method: 'POST', path: '/upload', headers: multipart, body }).violations;
    const files = [Buffer.from('a'), Buffer.from('b')];
    const ok = { files, count: '2', meta: '{"name":"n"}' };
    expect(post(ok)).toEqual([]);
    expect(ok.count).toBe('2'); // the caller's object is left as it was
    expect(post({ files, count: 'two', meta: '{"name":"n"}' })).toEqual([{ in: 'body', pointer: '/count', message: 'must be integer' }]);
    expect(post({ files, meta: '{}' })).toEqual([{ in: 'body', pointer: '/meta/name', message: "must have required property 'name'" }]);
    expect(post({ files, meta: 'not json' })).toEqual([{ in: 'body', pointer: '/meta', message: 'must be object' }]);
    expect(post({ meta: '{"name":"n"}' })).toEqual([{ in: 'body', pointer: '/files', message: "must have required property 'files'" }]);
  });
});

describe('request media type and method as the operation declares them', () => {
  const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
  // a Rails-style API as 3scale's specs write it: form bodies only, PATCH for one path, PUT for another
  const c = createContract(
    {
      openapi: '3.1.0',
      info: { title: 'inline', version: '1' },
      paths: {
        '/proxy.xml': {
          get: { operationId: 'proxyRead' },
          patch: {
            operationId: 'proxyUpdate',
            requestBody: { content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', properties: { endpoint: { type: 'string' }, chain: { type: 'string' } } } } } },
          },
        },
        '/things.json': {
          put: { operationId: 'thingsReplace', requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } } } },
          delete: { operationId: 'thingsClear' },
        },
      },
    },
    { formatSuffixes: ['.json', '.xml'] },
  );

  it('refuses JSON where the operation takes a form, and a form or text where it takes JSON', () => {
    expect(c.validateRequest({ method: 'PATCH', path: '/proxy.json', headers: FORM, body: { endpoint: 'https://x', chain: '[{"name":"a"}]' } }).violations).toEqual([]);
    expect(c.validateRequest({ method: 'PATCH', path: '/proxy.json', headers: json, body: { chain: [{ name: 'a' }] } }).violations).toEqual([
      { in: 'body', pointer: '', message: "unsupported content type 'application/json' (accepted: application/x-www-form-urlencoded)" },
    ]);
    // a nested value where the form declares a (JSON) text field is not that text
    expect(c.validateRequest({ method: 'PATCH', path: '/proxy.json', headers: FORM, body: { chain: [{ name: 'a' }] } }).violations).toEqual([
      { in: 'body', pointer: '/chain', message: 'must be string' },
    ]);
    expect(c.validateRequest({ method: 'PUT', path: '/things.json', headers: json, body: { n: 1 } }).violations).toEqual([]);
    expect(c.validateRequest({ method: 'PUT', path: '/things.json', headers: FORM, body: { n: '1' } }).violations[0]!.message).toBe(
      "unsupported content type 'application/x-www-form-urlencoded' (accepted: application/json)",
    );
    expect(c.validateRequest({ method: 'PUT', path: '/things.json', headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '{"n":1}' }).violations[0]!.message).toBe(
      "unsupported content type 'text/plain' (accepted: application/json)",
    );
    expect(c.validateRequest({ method: 'PUT', path: '/things.json', body: { n: 1 } }).violations).toEqual([
      { in: 'header', pointer: '/content-type', message: 'a request with a body needs a Content-Type' },
    ]);
    expect(c.validateRequest({ method: 'PUT', path: '/things.json', headers: json }).violations).toEqual([{ in: 'body', pointer: '', message: 'request body is required' }]);
    expect(c.validateRequest({ method: 'DELETE', path: '/things.json', headers: FORM, body: { n: '1' } }).violations).toEqual([
      { in: 'body', pointer: '', message: 'this operation does not accept a request body' },
    ]);
  });

  it('never takes one method for another, and names the declared ones', () => {
    const put = c.validateRequest({ method: 'PUT', path: '/proxy.json', headers: FORM, body: { endpoint: 'https://x' } });
    expect(put).toEqual({
      violations: [{ in: 'route', pointer: '', message: 'method PUT is not allowed on this path (allowed: GET, PATCH)' }],
      allowedMethods: ['GET', 'PATCH'],
    });
    expect(c.matchRoute('PUT', '/proxy.json')).toBeUndefined();
    expect(c.validateRequest({ method: 'PATCH', path: '/things.json', headers: json, body: { n: 1 } }).allowedMethods).toEqual(['PUT', 'DELETE']);
    const unknown = c.validateRequest({ method: 'GET', path: '/nothing.json' });
    expect(unknown.allowedMethods).toBeUndefined();
    expect(unknown.violations[0]!.message).toBe('no operation matches GET /nothing.json');
  });
});
