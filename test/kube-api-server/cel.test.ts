import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer, type KubeApiServer } from '../../emulators/kube-api-server/index.ts';
import { CelCompileError, CelEvalError, compileCel, evalCel, parseCel } from '../../emulators/kube-api-server/cel.ts';
import { celSchemaErrors } from '../../emulators/kube-api-server/cel-validation.ts';

const CRD_DIR = new URL('../../infra/crds', import.meta.url).pathname;
const CRD_FILES = readdirSync(CRD_DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .map((f) => join(CRD_DIR, f));
const WSO2 = 'gateway.api-platform.wso2.com';

/** Every x-kubernetes-validations rule of a schema, with where it is declared. */
function rulesIn(schema: any, path: string, out: { path: string; rule: string }[] = []) {
  for (const r of schema?.['x-kubernetes-validations'] ?? []) out.push({ path, rule: r.rule });
  for (const [k, p] of Object.entries(schema?.properties ?? {})) rulesIn(p, `${path}.${k}`, out);
  if (schema?.items) rulesIn(schema.items, `${path}[]`, out);
  if (typeof schema?.additionalProperties === 'object') rulesIn(schema.additionalProperties, `${path}{}`, out);
  return out;
}

const crds = CRD_FILES.flatMap((f) => parseAllDocuments(readFileSync(f, 'utf8')).map((d) => d.toJS())).filter((o) => o?.kind === 'CustomResourceDefinition');

describe('the CEL rules of the CRDs in infra/crds', () => {
  it('all compile against their schema, in every served version', () => {
    const seen = new Set<string>();
    for (const crd of crds) {
      crd.spec.versions.forEach((v: any, i: number) => {
        const schema = v.schema.openAPIV3Schema;
        expect(celSchemaErrors(schema, `${crd.metadata.name} versions[${i}]`)).toEqual([]);
        for (const r of rulesIn(schema, '')) seen.add(r.rule);
      });
    }
    expect([...seen].sort()).toEqual([
      '!has(self.expiresAt) || !has(self.expiresIn)',
      '(has(self.method) && has(self.path)) || has(self.match)',
      'has(self.portalRef) != has(self.apiRef)',
      'has(self.url) != has(self.ref)',
      'has(self.value) != has(self.valueFrom)',
    ]);
  });
});

describe('CEL evaluation', () => {
  const run = (rule: string, self: unknown, oldSelf?: unknown) => evalCel(parseCel(rule), oldSelf === undefined ? { self } : { self, oldSelf });

  it('has() tests presence, field access reads, missing keys are errors', () => {
    expect(run('has(self.a)', { a: 0 })).toBe(true);
    expect(run('has(self.a.b)', { a: {} })).toBe(false);
    expect(run('self.a.b == "x"', { a: { b: 'x' } })).toBe(true);
    expect(() => run('self.a == 1', {})).toThrow(new CelEvalError('no such key: a'));
  });

  it('has the operators, literals and precedence of CEL', () => {
    expect(run('!has(self.a) || !has(self.b)', { a: 1, b: 2 })).toBe(false);
    expect(run('has(self.a) != has(self.b)', { a: 1 })).toBe(true);
    expect(run('(has(self.m) && has(self.p)) || has(self.x)', { m: 1 })).toBe(false);
    expect(run('has(self.m) && has(self.p) || has(self.x)', { x: 1 })).toBe(true);
    expect(run("self.s == 'it\\'s' && self.n >= -1 && self.n < 2.5 && self.t == true && self.z == null", { s: "it's", n: 0, t: true, z: null })).toBe(true);
    expect(run('self.n > 3 ? "big" == "big" : false', { n: 4 })).toBe(true);
    expect(run('self.kind in ["A", "B"] && "k" in self.m', { kind: 'B', m: { k: 1 } })).toBe(true);
    expect(run('size(self.s) == 2 && self.l.size() == 3 && size(self.m) == 1', { s: 'é!', l: [1, 2, 3], m: { a: 1 } })).toBe(true);
    expect(run("self.s.startsWith('ab') && self.s.endsWith('yz') && self.s.contains('mn') && self.s.matches('^a.*z$')", { s: 'abmnyz' })).toBe(true);
    expect(run('self.l.all(x, x > 0) && self.l.exists(x, x == 2) && !self.m.exists(k, k == "b")', { l: [1, 2], m: { a: 1 } })).toBe(true);
    expect(run('self.l[1] == "b" && self.m["a"] == 1', { l: ['a', 'b'], m: { a: 1 } })).toBe(true);
    expect(run('self == oldSelf', { a: [1] }, { a: [1] })).toBe(true);
  });

  it('&& and || absorb an error when the other side decides, as CEL does', () => {
    expect(run('self.missing == 1 || true', {})).toBe(true);
    expect(run('false && self.missing == 1', {})).toBe(false);
    expect(() => run('self.missing == 1 || false', {})).toThrow(CelEvalError);
    expect(() => run('!self.s', { s: 'x' })).toThrow('no such overload');
    expect(() => run('self.s < 1', { s: 'x' })).toThrow('no such overload');
  });

  it('refuses what it cannot parse or type-check, naming the column', () => {
    const obj = { type: 'object', properties: { value: { type: 'string' }, valueFrom: { type: 'object' } } };
    expect(() => compileCel('has(self.valu)', obj)).toThrow(new CelCompileError("undefined field 'valu'", 8));
    expect(() => compileCel('self.value + "x" == "y"', obj)).toThrow(/operator '\+' is not supported/);
    expect(() => compileCel('self.value.lowerAscii() == "x"', obj)).toThrow(/function 'lowerAscii' is not supported/);
    expect(() => compileCel('has(self.value', obj)).toThrow(/Syntax error/);
    expect(() => compileCel('has(1)', obj)).toThrow(/invalid argument to has\(\) macro/);
    expect(() => compileCel('other.value == 1', obj)).toThrow(/undeclared reference to 'other'/);
    expect(() => compileCel('self.value.x == 1', obj)).toThrow(/does not support field selection/);
    expect(() => compileCel('self.metadata.name == "x"', obj, true)).not.toThrow();
    expect(() => compileCel('has(self.x__dash__y)', { type: 'object', properties: { 'x-y': { type: 'string' } } })).not.toThrow();
  });
});

describe('CEL rules on writes', () => {
  let server: KubeApiServer;
  beforeAll(async () => {
    server = await startKubeApiServer({ crdFiles: CRD_FILES });
  });
  afterAll(() => server.close());

  const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': contentType }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const plural = (kind: string) => ({ ApiKey: 'apikeys', RestApi: 'restapis', ManagedSecret: 'managedsecrets', Subscription: 'subscriptions' })[kind]!;
  const create = (version: string, kind: string, name: string, spec: unknown) =>
    call('POST', `/apis/${WSO2}/${version}/namespaces/default/${plural(kind)}`, { apiVersion: `${WSO2}/${version}`, kind, metadata: { name }, spec });

  const restApi = (extra: Record<string, unknown> = {}) => ({
    displayName: 'orders',
    version: 'v1.0',
    context: '/orders',
    upstream: { main: { url: 'http://orders:8080' } },
    operations: [{ method: 'GET', path: '/info' }],
    ...extra,
  });

  for (const version of ['v1', 'v1alpha1']) {
    it(`${version}: exactly one of value or valueFrom (ApiKey, ManagedSecret, Subscription)`, async () => {
      const parentRef = { kind: 'RestApi', name: 'orders' };
      expect((await create(version, 'ApiKey', `key-inline-${version}`, { parentRef, apiKey: { value: 'x'.repeat(36) } })).status).toBe(201);
      expect((await create(version, 'ApiKey', `key-ref-${version}`, { parentRef, apiKey: { valueFrom: { name: 's', key: 'k' } } })).status).toBe(201);
      const both = await create(version, 'ApiKey', `key-both-${version}`, { parentRef, apiKey: { value: 'x', valueFrom: { name: 's', key: 'k' } } });
      expect(both).toMatchObject({
        status: 422,
        body: {
          kind: 'Status',
          reason: 'Invalid',
          code: 422,
          message: `ApiKey.${WSO2} "key-both-${version}" is invalid: spec.apiKey: Invalid value: "object": exactly one of value or valueFrom must be set`,
          details: { name: `key-both-${version}`, group: WSO2, kind: 'ApiKey', causes: [{ reason: 'FieldValueInvalid', field: 'spec.apiKey', message: 'Invalid value: "object": exactly one of value or valueFrom must be set' }] },
        },
      });
      expect((await create(version, 'ApiKey', `key-none-${version}`, { parentRef, apiKey: {} })).body.details.causes).toEqual([
        { reason: 'FieldValueInvalid', field: 'spec.apiKey', message: 'Invalid value: "object": exactly one of value or valueFrom must be set' },
      ]);
      expect((await create(version, 'ManagedSecret', `ms-${version}`, { displayName: 'db', value: {} })).body.details.causes[0].field).toBe('spec.value');
      expect((await create(version, 'ManagedSecret', `ms-ok-${version}`, { displayName: 'db', value: { value: 'p' } })).status).toBe(201);
    });

    it(`${version}: expiresAt and expiresIn are mutually exclusive`, async () => {
      const parentRef = { kind: 'RestApi', name: 'orders' };
      const both = await create(version, 'ApiKey', `exp-both-${version}`, { parentRef, expiresAt: '2030-01-01T00:00:00Z', expiresIn: { duration: 1, unit: 'days' } });
      expect(both.body.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": expiresAt and expiresIn are mutually exclusive' }]);
      expect((await create(version, 'ApiKey', `exp-at-${version}`, { parentRef, expiresAt: '2030-01-01T00:00:00Z' })).status).toBe(201);
      expect((await create(version, 'ApiKey', `exp-in-${version}`, { parentRef, expiresIn: { duration: 1, unit: 'days' } })).status).toBe(201);
    });

    it(`${version}: an upstream has url or ref; an operation has method and path, or match`, async () => {
      expect((await create(version, 'RestApi', `api-url-${version}`, restApi())).status).toBe(201);
      expect((await create(version, 'RestApi', `api-ref-${version}`, restApi({ upstream: { main: { ref: 'orders-backend' } } }))).status).toBe(201);
      const match = { method: 'GET', path: { value: '/info' } };
      expect((await create(version, 'RestApi', `api-match-${version}`, restApi({ operations: [{ match }] }))).status).toBe(201);
      const bad = await create(version, 'RestApi', `api-bad-${version}`, restApi({ upstream: { main: { url: 'http://a', ref: 'b' }, sandbox: {} }, operations: [{ method: 'GET', path: '/ok' }, { method: 'GET' }] }));
      expect(bad.status).toBe(422);
      // Go visits an object's fields in no fixed order; compare as a set.
      expect([...bad.body.details.causes].sort((a: any, b: any) => a.field.localeCompare(b.field))).toEqual([
        { reason: 'FieldValueInvalid', field: 'spec.operations[1]', message: 'Invalid value: "object": operation must set both method and path, or set match' },
        { reason: 'FieldValueInvalid', field: 'spec.upstream.main', message: 'Invalid value: "object": exactly one of url or ref must be set' },
        { reason: 'FieldValueInvalid', field: 'spec.upstream.sandbox', message: 'Invalid value: "object": exactly one of url or ref must be set' },
      ]);
    });
  }

  it('checks rules on update and patch too, and ratchets values that did not change', async () => {
    await create('v1', 'RestApi', 'upd', restApi());
    const path = `/apis/${WSO2}/v1/namespaces/default/restapis/upd`;
    const refused = await call('PATCH', path, { spec: { upstream: { main: { ref: 'r' } } } }, 'application/merge-patch+json');
    expect(refused.status).toBe(422);
    expect(refused.body.details.causes[0]).toMatchObject({ field: 'spec.upstream.main' });
    const ok = await call('PATCH', path, { spec: { upstream: { main: { url: null, ref: 'r' } } } }, 'application/merge-patch+json');
    expect(ok.status).toBe(200);
    // A status write leaves spec unchanged: its rules are not evaluated again.
    expect((await call('PATCH', `${path}/status`, { status: { phase: 'x' } }, 'application/merge-patch+json')).status).toBe(200);
  });

  it('does not run rules on an object that failed a blocking check, and says so', async () => {
    const res = await create('v1', 'RestApi', 'blocked', { ...restApi({ upstream: { main: { url: 'http://a', ref: 'b' } } }), displayName: 7 });
    expect(res.body.details.causes).toEqual([
      { reason: 'FieldValueTypeInvalid', field: 'spec.displayName', message: 'Invalid value: "integer": spec.displayName in body must be of type string: "integer"' },
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' },
    ]);
  });

  const widgetCrd = (rules: unknown[]) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gadgets.cel.test' },
    spec: {
      group: 'cel.test',
      scope: 'Namespaced',
      names: { plural: 'gadgets', kind: 'Gadget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { min: { type: 'integer' }, max: { type: 'integer' }, mode: { type: 'string' } },
                  'x-kubernetes-validations': rules,
                },
              },
            },
          },
        },
      ],
    },
  });

  it('refuses a CRD whose rule does not compile, naming the rule and the column', async () => {
    const res = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd([{ rule: 'self.min <= self.maxx' }]));
    expect(res.status).toBe(422);
    expect(res.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule',
        message: `Invalid value: apiextensions.ValidationRule{Rule:"self.min <= self.maxx", Message:""}: compilation failed: ERROR: <input>:1:17: undefined field 'maxx'`,
      },
    ]);
    const unsupported = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd([{ rule: 'self.min < 1', messageExpression: '"x"' }]));
    expect(unsupported.body.details.causes[0].field).toMatch(/x-kubernetes-validations\[0\]\.messageExpression$/);
  });

  it('a CRD file with a rule the server cannot evaluate stops the server from starting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cel-'));
    writeFileSync(join(dir, 'crd.json'), JSON.stringify(widgetCrd([{ rule: 'self.min + 1 < self.max' }])));
    await expect(startKubeApiServer({ crdFiles: [join(dir, 'crd.json')] })).rejects.toThrow(/operator '\+' is not supported by the test server's CEL subset/);
  });

  it('applies reason, fieldPath, the default message, transition rules and runtime errors as kube-apiserver', async () => {
    const rules = [
      { rule: 'self.min <= self.max', reason: 'FieldValueForbidden', fieldPath: '.max', message: 'max below min' },
      { rule: 'self.mode != "x"' },
      { rule: 'self.mode == oldSelf.mode', message: 'mode is immutable' },
    ];
    expect((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', widgetCrd(rules))).status).toBe(201);
    const base = '/apis/cel.test/v1/namespaces/default/gadgets';
    const gadget = (name: string, spec: unknown, rv?: string) => ({ apiVersion: 'cel.test/v1', kind: 'Gadget', metadata: { name, resourceVersion: rv }, spec });
    const bad = await call('POST', base, gadget('g1', { min: 2, max: 1, mode: 'x' }));
    expect(bad.body.details.causes).toEqual([
      { reason: 'FieldValueForbidden', field: 'spec.max', message: 'Forbidden: max below min' },
      { reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": failed rule: self.mode != "x"' },
    ]);
    const missing = await call('POST', base, gadget('g2', { min: 1 }));
    expect(missing.body.details.causes.map((c: any) => c.message)).toEqual([
      'Invalid value: "object": no such key: max evaluating rule: max below min',
      'Invalid value: "object": no such key: mode evaluating rule: self.mode != "x"',
    ]);
    const created = await call('POST', base, gadget('g3', { min: 1, max: 2, mode: 'a' }));
    expect(created.status).toBe(201);
    const changed = await call('PUT', `${base}/g3`, gadget('g3', { min: 1, max: 2, mode: 'b' }, created.body.metadata.resourceVersion));
    expect(changed.body.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: "object": mode is immutable' }]);
  });
});
