import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiextensionsV1Api } from '@kubernetes/client-node';
import { APIS, MERGE, apiV4, startHarness, statusOf, type Harness } from './helpers.ts';

let h: Harness;
let ext: ApiextensionsV1Api;
const NS = 'val';

/** A CRD exercising every structural-schema feature the server implements. */
const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.test.io' },
  spec: {
    group: 'test.io',
    scope: 'Namespaced',
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', shortNames: ['wd'], categories: ['all-tests'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['name'],
                properties: {
                  name: { type: 'string', minLength: 2, maxLength: 10, pattern: '^[a-z]+$' },
                  size: { type: 'integer', minimum: 1, maximum: 5, default: 3 },
                  ratio: { type: 'number', exclusiveMaximum: true, maximum: 1 },
                  color: { type: 'string', enum: ['red', 'blue'] },
                  port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                  when: { type: 'string', format: 'date-time' },
                  note: { type: 'string', nullable: true },
                  tags: { type: 'array', items: { type: 'string' }, maxItems: 2, 'x-kubernetes-list-type': 'set' },
                  ports: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, proto: { type: 'string', default: 'TCP' } } },
                  },
                  labels: { type: 'object', additionalProperties: { type: 'string' }, maxProperties: 2 },
                  extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                  nested: { type: 'object', default: {}, properties: { level: { type: 'string', default: 'info' } } },
                },
              },
              status: { type: 'object', properties: { phase: { type: 'string', enum: ['Ready', 'Failed'] } } },
            },
          },
        },
      },
    ],
  },
};

const W = { group: 'test.io', version: 'v1', plural: 'widgets' } as const;
const widget = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'test.io/v1', kind: 'Widget', metadata: { name }, spec });

beforeAll(async () => {
  h = await startHarness();
  ext = h.server.kubeConfig().makeApiClient(ApiextensionsV1Api);
  // Raw JSON: client-node's typed CRD model would rename x-kubernetes-* / default / enum keys.
  const res = await fetch(`${h.server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(WIDGET_CRD),
  });
  expect(res.status).toBe(201);
  const crd = await ext.readCustomResourceDefinition({ name: 'widgets.test.io' });
  expect(crd.status?.conditions?.find((c) => c.type === 'Established')?.status).toBe('True');
});
afterAll(() => h.server.close());

async function invalidWidget(spec: Record<string, unknown>) {
  const st = await statusOf(h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('w', spec) }));
  expect(st.code).toBe(422);
  expect(st.reason).toBe('Invalid');
  expect(st.details.kind).toBe('Widget');
  expect(st.details.group).toBe('test.io');
  return st;
}

describe('schema validation', () => {
  it('reports a missing required field like kube-apiserver, with causes', async () => {
    const st = await statusOf(h.custom.createNamespacedCustomObject({ ...APIS, namespace: NS, body: { ...apiV4('x'), spec: { ...apiV4('x').spec, name: undefined } } }));
    expect(st).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'ApiV4Definition.gravitee.io "x" is invalid: spec.name: Required value',
      reason: 'Invalid',
      details: { name: 'x', group: 'gravitee.io', kind: 'ApiV4Definition', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.name' }] },
      code: 422,
    });
  });

  it('checks types, enums, patterns, lengths, bounds, formats and items', async () => {
    expect((await invalidWidget({ name: 5 })).message).toBe('Widget.test.io "w" is invalid: spec.name: Invalid value: "integer": spec.name in body must be of type string: "integer"');
    expect((await invalidWidget({ name: 'abc', color: 'green' })).message).toBe('Widget.test.io "w" is invalid: spec.color: Unsupported value: "green": supported values: "red", "blue"');
    expect((await invalidWidget({ name: 'ABC' })).message).toBe('Widget.test.io "w" is invalid: spec.name: Invalid value: "ABC": spec.name in body should match \'^[a-z]+$\'');
    expect((await invalidWidget({ name: 'a' })).message).toBe('Widget.test.io "w" is invalid: spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long');
    expect((await invalidWidget({ name: 'abcdefghijkl' })).details.causes).toEqual([{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 10 bytes', field: 'spec.name' }]);
    expect((await invalidWidget({ name: 'abc', size: 9 })).message).toBe('Widget.test.io "w" is invalid: spec.size: Invalid value: 9: spec.size in body should be less than or equal to 5');
    expect((await invalidWidget({ name: 'abc', size: 1.5 })).message).toContain('spec.size in body must be of type integer: "number"');
    expect((await invalidWidget({ name: 'abc', ratio: 1 })).message).toContain('spec.ratio in body should be less than 1');
    expect((await invalidWidget({ name: 'abc', when: 'yesterday' })).message).toContain('spec.when in body must be of type date-time: "yesterday"');
    expect((await invalidWidget({ name: 'abc', port: true })).message).toContain('spec.port in body must be of type integer,string: "boolean"');
    expect((await invalidWidget({ name: 'abc', tags: ['a', 'b', 'c'] })).details.causes[0]).toEqual({ reason: 'FieldValueTooMany', message: 'Too many: 3: must have at most 2 items', field: 'spec.tags' });
    expect((await invalidWidget({ name: 'abc', tags: ['a', 'a'] })).details.causes[0]).toEqual({ reason: 'FieldValueDuplicate', message: 'Duplicate value: "a"', field: 'spec.tags[1]' });
    expect((await invalidWidget({ name: 'abc', ports: [{ name: 'p' }, { name: 'p' }] })).details.causes[0].field).toBe('spec.ports[1]');
    expect((await invalidWidget({ name: 'abc', ports: [{}] })).details.causes[0]).toEqual({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[0].name' });
    expect((await invalidWidget({ name: 'abc', labels: { a: 'x', b: 'y', c: 'z' } })).details.causes[0].reason).toBe('FieldValueTooMany');
    expect((await invalidWidget({ name: 'abc', labels: { a: 1 } })).details.causes[0].field).toBe('spec.labels.a');
  });

  it('aggregates several errors into one message', async () => {
    const st = await invalidWidget({ name: 'A', color: 'green' });
    expect(st.message).toMatch(/^Widget\.test\.io "w" is invalid: \[.*spec\.name: Invalid value: "A".*, .*spec\.color: Unsupported value: "green".*\]$/);
    expect(st.details.causes).toHaveLength(3);
  });

  it('accepts int-or-string, nullable null, and replaces null of a defaulted field with its default', async () => {
    const a = (await h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('ios1', { name: 'abc', port: 8080, note: null }) })) as any;
    expect(a.spec.port).toBe(8080);
    expect(a.spec.note).toBeNull();
    const b = (await h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('ios2', { name: 'abc', port: 'http', size: null }) })) as any;
    expect(b.spec.port).toBe('http');
    expect(b.spec.size).toBe(3);
  });

  it('applies defaults (nested, in list items) and prunes unknown fields except where preserved', async () => {
    const created = (await h.custom.createNamespacedCustomObject({
      ...W,
      namespace: NS,
      body: { ...widget('def', { name: 'abc', ports: [{ name: 'p' }], bogus: 1, extra: { any: { thing: true } } }), topLevelJunk: 1 },
    })) as any;
    expect(created.spec).toEqual({ name: 'abc', size: 3, nested: { level: 'info' }, ports: [{ name: 'p', proto: 'TCP' }], extra: { any: { thing: true } } });
    expect(created.topLevelJunk).toBeUndefined();
    const api = (await h.custom.createNamespacedCustomObject({ ...APIS, namespace: NS, body: apiV4('defaults') })) as any;
    expect(api.spec).toMatchObject({ state: 'STARTED', lifecycleState: 'UNPUBLISHED', visibility: 'PRIVATE' });
    expect(api.spec.listeners[0].paths).toEqual([{ path: '/defaults' }]);
  });

  it('fails unknown fields with fieldValidation=Strict and warns by default', async () => {
    const res = await fetch(`${h.server.url}/apis/test.io/v1/namespaces/${NS}/widgets?fieldValidation=Strict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(widget('strict', { name: 'abc', bogus: 1 })),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).message).toBe('strict decoding error: unknown field "spec.bogus"');
    const warned = await fetch(`${h.server.url}/apis/test.io/v1/namespaces/${NS}/widgets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(widget('warned', { name: 'abc', bogus: 1 })),
    });
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.bogus\\""');
  });

  it('validates status writes against the status schema', async () => {
    await h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('st', { name: 'abc' }) });
    const st = await statusOf(h.custom.patchNamespacedCustomObjectStatus({ ...W, namespace: NS, name: 'st', body: { status: { phase: 'Weird' } } }, MERGE));
    expect(st.message).toBe('Widget.test.io "st" is invalid: status.phase: Unsupported value: "Weird": supported values: "Ready", "Failed"');
    const ok = (await h.custom.patchNamespacedCustomObjectStatus({ ...W, namespace: NS, name: 'st', body: { status: { phase: 'Ready' } } }, MERGE)) as any;
    expect(ok.status.phase).toBe('Ready');
  });

  it('validates metadata: names and labels', async () => {
    const st = await statusOf(h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('Bad_Name', { name: 'abc' }) }));
    expect(st.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.name' });
    expect(st.message).toContain('a lowercase RFC 1123 subdomain must consist of');
    const lbl = await statusOf(
      h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: { ...widget('lbl', { name: 'abc' }), metadata: { name: 'lbl', labels: { ok: 'not ok!' } } } }),
    );
    expect(lbl.details.causes[0].field).toBe('metadata.labels');
    const noName = await statusOf(h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: { ...widget('', { name: 'abc' }), metadata: {} } }));
    expect(noName.details.causes[0]).toEqual({ reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field: 'metadata.name' });
  });

  it('lets unchanged invalid values through on update after the CRD schema tightens (validation ratcheting)', async () => {
    await h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('ratchet', { name: 'abcd' }) });
    const res = await fetch(`${h.server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.test.io`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/name/maxLength', value: 3 }]),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).metadata.generation).toBe(2);
    const ok = (await h.custom.patchNamespacedCustomObject({ ...W, namespace: NS, name: 'ratchet', body: { spec: { size: 2 } } }, MERGE)) as any;
    expect(ok.spec).toMatchObject({ name: 'abcd', size: 2 });
    const st = await statusOf(h.custom.patchNamespacedCustomObject({ ...W, namespace: NS, name: 'ratchet', body: { spec: { name: 'abcde' } } }, MERGE));
    expect(st.details.causes).toEqual([{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 3 bytes', field: 'spec.name' }]);
    const fresh = await statusOf(h.custom.createNamespacedCustomObject({ ...W, namespace: NS, body: widget('fresh', { name: 'abcd' }) }));
    expect(fresh.code).toBe(422);
  });
});
