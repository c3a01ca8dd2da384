import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ALL_CRD_FILES, APIM_SYNC_COLUMNS, crdFileName, generateAll, PLURALS, THREESCALE_COLUMNS, UPSTREAM_DIR } from '../../infra/crds/generate.ts';
import { graviteeResourceTypes } from '../../vendors/gravitee/resource-types.ts';
import { get, readYaml, ROOT } from './support.ts';

const SHARED_UPSTREAM = join(ROOT, '../shared/crds/gravitee');
const KINDS: Record<string, string> = Object.fromEntries(graviteeResourceTypes.map((t) => [t.plural, t.kind]));

const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('int64', true);

describe.each(PLURALS.map((p) => [p]))('CRD %s', (plural) => {
  const upstream = readYaml(`infra/crds/upstream/${crdFileName(plural)}`);
  const ours = readYaml(`infra/crds/${crdFileName(plural)}`);

  it('keeps upstream names, group and scope', () => {
    expect(get(ours, 'metadata', 'name')).toBe(`${plural}.gravitee.io`);
    expect(get(ours, 'spec', 'names')).toEqual(get(upstream, 'spec', 'names'));
    expect(get(ours, 'spec', 'names', 'kind')).toBe(KINDS[plural]);
    expect(get(ours, 'spec', 'group')).toBe('gravitee.io');
    expect(get(ours, 'spec', 'scope')).toBe(get(upstream, 'spec', 'scope'));
    expect(get(ours, 'spec', 'versions').map((v: any) => [v.name, v.served, v.storage])).toEqual(get(upstream, 'spec', 'versions').map((v: any) => [v.name, v.served, v.storage]));
  });

  it('keeps every schema but status exactly as upstream (spec deep-equal)', () => {
    get(upstream, 'spec', 'versions').forEach((uv: any, i: number) => {
      const v = get(ours, 'spec', 'versions', i);
      const { properties: uProps, ...uRest } = uv.schema.openAPIV3Schema;
      const { properties: props, ...rest } = v.schema.openAPIV3Schema;
      expect(props.spec).toEqual(uProps.spec);
      expect(rest).toEqual(uRest);
      for (const k of Object.keys(uProps).filter((k) => k !== 'status')) expect(props[k]).toEqual(uProps[k]);
      expect(Object.keys(props).sort()).toEqual(Object.keys(uProps).sort());
    });
  });

  it('extends status: upstream fields kept, unknown fields preserved, observedGeneration added, status subresource', () => {
    get(upstream, 'spec', 'versions').forEach((uv: any, i: number) => {
      const v = get(ours, 'spec', 'versions', i);
      expect(v.subresources.status).toEqual({});
      const status = v.schema.openAPIV3Schema.properties.status;
      const uStatus = uv.schema.openAPIV3Schema.properties.status ?? { properties: {} };
      expect(status['x-kubernetes-preserve-unknown-fields']).toBe(true);
      expect(status.type).toBe('object');
      for (const [k, s] of Object.entries(uStatus.properties ?? {})) expect(status.properties[k]).toEqual(s);
      expect(status.properties.observedGeneration).toMatchObject({ type: 'integer', format: 'int64' });
      // Where upstream has conditions their schema is kept as is (GKO's Notification lists them without map keys).
      if (!uStatus.properties?.conditions) expect(status.properties.conditions['x-kubernetes-list-map-keys']).toEqual(['type']);
    });
  });

  it('accepts the status apim-sync writes', () => {
    const schema = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'status');
    const validate = ajv.compile(schema);
    const condition = (type: string, status: string, reason: string) => ({ type, status, reason, message: '', lastTransitionTime: '2026-01-02T03:04:05Z', observedGeneration: 3 });
    const written = {
      observedGeneration: 3,
      conditions: [condition('Accepted', 'True', 'Accepted'), condition('ResolvedRefs', 'False', 'ContextNotFound'), condition('Ready', 'False', 'ReferenceNotReady')],
      id: 'a1b2', plans: { default: 'p1' }, syncedAt: '2026-01-02T03:04:05Z', vendor: { anything: ['goes'] },
    };
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
  });

  it("adds Ready/Accepted/Age printer columns after GKO's own", () => {
    get(upstream, 'spec', 'versions').forEach((uv: any, i: number) => {
      const cols = get(ours, 'spec', 'versions', i, 'additionalPrinterColumns') as any[];
      const upstreamCols = uv.additionalPrinterColumns ?? [];
      expect(cols.slice(0, upstreamCols.length)).toEqual(upstreamCols);
      const added = cols.slice(upstreamCols.length);
      expect(added.map((c) => c.name)).toEqual(APIM_SYNC_COLUMNS.map((c) => c.name));
      expect(added.find((c) => c.name === 'Ready')).toMatchObject({ type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' });
      expect(added.find((c) => c.name === 'Accepted')).toMatchObject({ type: 'string', jsonPath: '.status.conditions[?(@.type=="Accepted")].status' });
      expect(added.find((c) => c.name === 'Age')).toMatchObject({ type: 'date', jsonPath: '.metadata.creationTimestamp' });
      expect(new Set(cols.map((c) => c.name)).size).toBe(cols.length);
    });
  });

  it.skipIf(!existsSync(SHARED_UPSTREAM))('vendors the same upstream as shared/crds/gravitee (else: node infra/crds/generate.ts --upstream ../shared/crds/gravitee)', () => {
    const file = crdFileName(plural);
    expect(readFileSync(join(UPSTREAM_DIR, file), 'utf8')).toBe(readFileSync(join(SHARED_UPSTREAM, file), 'utf8'));
  });
});

describe('infra/crds/generate.ts', () => {
  it('reproduces the committed CRDs byte for byte (else: node infra/crds/generate.ts)', () => {
    for (const [path, text] of generateAll()) expect(readFileSync(path, 'utf8'), path).toBe(text);
  });

  it('lists every generated CRD in its kustomization', () => {
    expect(get(readYaml('infra/crds/kustomization.yaml'), 'resources')).toEqual(ALL_CRD_FILES);
  });
});

describe('CRD products.capabilities.3scale.net', () => {
  const file = 'capabilities.3scale.net_products.yaml';
  const upstream = readYaml(`infra/crds/upstream/${file}`);
  const ours = readYaml(`infra/crds/${file}`);
  const shared = join(ROOT, '../shared/crds/threescale', file);

  it('keeps upstream names, scope and spec schema', () => {
    expect(get(ours, 'metadata', 'name')).toBe('products.capabilities.3scale.net');
    expect(get(ours, 'spec', 'names')).toEqual(get(upstream, 'spec', 'names'));
    expect(get(ours, 'spec', 'scope')).toBe('Namespaced');
    const props = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties');
    expect(props.spec).toEqual(get(upstream, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties').spec);
  });

  it('accepts the status apim-sync writes (productId, providerAccountHost, state, conditions with observedGeneration)', () => {
    const schema = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'status');
    expect(schema['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const condition = (type: string) => ({ type, status: 'True', reason: 'Synced', message: '', lastTransitionTime: '2026-01-02T03:04:05Z', observedGeneration: 2 });
    const written = { productId: 12, providerAccountHost: 'https://acme-admin.example.com', state: 'incomplete', observedGeneration: 2, conditions: ['Synced', 'Ready', 'Invalid', 'Failed', 'Orphan'].map(condition) };
    const validate = ajv.compile(schema);
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
  });

  it('adds Synced/Ready printer columns and shows productId as the 3scale ID', () => {
    const cols = get(ours, 'spec', 'versions', 0, 'additionalPrinterColumns') as any[];
    expect(cols.map((c) => c.name)).toEqual(THREESCALE_COLUMNS.map((c) => c.name));
    expect(cols.find((c) => c.name === '3scale ID')).toMatchObject({ jsonPath: '.status.productId' });
  });

  it.skipIf(!existsSync(shared))('vendors the same upstream as shared/crds/threescale', () => {
    expect(readFileSync(join(UPSTREAM_DIR, file), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});

describe('CRD backends.capabilities.3scale.net', () => {
  const file = 'capabilities.3scale.net_backends.yaml';
  const upstream = readYaml(`infra/crds/upstream/${file}`);
  const ours = readYaml(`infra/crds/${file}`);
  const shared = join(ROOT, '../shared/crds/threescale', file);

  it('keeps upstream names, group, scope and spec schema', () => {
    expect(get(ours, 'metadata', 'name')).toBe('backends.capabilities.3scale.net');
    expect(get(ours, 'spec', 'names')).toEqual(get(upstream, 'spec', 'names'));
    expect(get(ours, 'spec', 'scope')).toBe('Namespaced');
    const props = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties');
    const uProps = get(upstream, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties');
    expect(props.spec).toEqual(uProps.spec);
    expect(Object.keys(props).sort()).toEqual(Object.keys(uProps).sort());
  });

  it('accepts the status apim-sync writes (3scale conditions with observedGeneration, backendId, providerAccountHost)', () => {
    const schema = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'status');
    expect(schema['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(schema.properties.conditions.items.properties.observedGeneration).toMatchObject({ type: 'integer' });
    const condition = (type: string, status: string) => ({ type, status, reason: 'Synced', message: '', lastTransitionTime: '2026-01-02T03:04:05Z', observedGeneration: 2 });
    const written = { backendId: 12, providerAccountHost: 'https://acme-admin.example.com', observedGeneration: 2, conditions: ['Synced', 'Ready', 'Invalid', 'Failed', 'Orphan'].map((t) => condition(t, 'True')) };
    const validate = ajv.compile(schema);
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
  });

  it('adds Synced/Ready printer columns', () => {
    const cols = get(ours, 'spec', 'versions', 0, 'additionalPrinterColumns') as any[];
    expect(cols.map((c) => c.name)).toEqual(THREESCALE_COLUMNS.map((c) => c.name));
    expect(cols.find((c) => c.name === 'Synced')).toMatchObject({ jsonPath: '.status.conditions[?(@.type=="Synced")].status' });
    expect(cols.find((c) => c.name === 'Ready')).toMatchObject({ jsonPath: '.status.conditions[?(@.type=="Ready")].status' });
  });

  it.skipIf(!existsSync(shared))('vendors the same upstream as shared/crds/threescale', () => {
    expect(readFileSync(join(UPSTREAM_DIR, file), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});

describe.each([
  ['developeraccounts', 'accountID', ['Ready', 'Invalid', 'Waiting', 'Failed', 'Orphan']],
  ['developerusers', 'userID', ['Ready', 'Invalid', 'Failed', 'Orphan']],
  ['activedocs', 'activeDocId', ['Ready', 'Invalid', 'Failed', 'Orphan']],
  ['custompolicydefinitions', 'policyID', ['Ready', 'Invalid', 'Failed', 'Orphan']],
  ['applications', 'applicationID', ['Ready', 'Invalid', 'Failed', 'Orphan']],
  ['applicationauths', 'applicationID', ['Ready', 'Invalid', 'Failed', 'Orphan']],
])('CRD %s.capabilities.3scale.net', (plural, idField, conditionTypes) => {
  const file = `capabilities.3scale.net_${plural}.yaml`;
  const upstream = readYaml(`infra/crds/upstream/${file}`);
  const ours = readYaml(`infra/crds/${file}`);
  const shared = join(ROOT, '../shared/crds/threescale', file);

  it('keeps upstream names, scope and spec schema', () => {
    expect(get(ours, 'metadata', 'name')).toBe(`${plural}.capabilities.3scale.net`);
    expect(get(ours, 'spec', 'names')).toEqual(get(upstream, 'spec', 'names'));
    expect(get(ours, 'spec', 'scope')).toBe('Namespaced');
    const props = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties');
    const spec = get(upstream, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties').spec;
    if (plural !== 'activedocs') return expect(props.spec).toEqual(spec);
    // The one extension, for the operator guide's ActiveDocs: `openapiRef` as an alias, nothing required any more.
    const { required, ...rest } = spec;
    expect(required).toEqual(['activeDocOpenAPIRef', 'name']);
    expect(props.spec).toEqual({ ...rest, properties: { ...spec.properties, openapiRef: spec.properties.activeDocOpenAPIRef } });
  });

  it(`accepts the status apim-sync writes (${idField}, providerAccountHost, conditions with observedGeneration)`, () => {
    const schema = get(ours, 'spec', 'versions', 0, 'schema', 'openAPIV3Schema', 'properties', 'status');
    expect(schema['x-kubernetes-preserve-unknown-fields']).toBe(true);
    const condition = (type: string) => ({ type, status: 'True', reason: 'Synced', message: '', lastTransitionTime: '2026-01-02T03:04:05Z', observedGeneration: 2 });
    const written = { [idField]: 12, accountID: 12, providerAccountHost: 'https://acme-admin.example.com', conditions: (conditionTypes as string[]).map(condition) };
    const validate = ajv.compile(schema);
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
  });

  it(`shows ${idField} as the 3scale ID column`, () => {
    const cols = get(ours, 'spec', 'versions', 0, 'additionalPrinterColumns') as any[];
    expect(cols.find((c) => c.name === '3scale ID')).toMatchObject({ jsonPath: `.status.${idField}` });
  });

  it.skipIf(!existsSync(shared))('vendors the same upstream as shared/crds/threescale', () => {
    expect(readFileSync(join(UPSTREAM_DIR, file), 'utf8')).toBe(readFileSync(shared, 'utf8'));
  });
});
