import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { automationSpellings, toAutomationSpelling } from '../../vendors/gravitee/automation-spelling.ts';

/**
 * Every value a GKO CRD accepts where the Automation API (the published spec, as copied in emulators/specs) has an
 * enum must reach APIM spelled as the spec's enum. The pairs are found by walking each CRD schema beside the spec's
 * request schema for the same kind, so a field whose spellings differ fails here until `automation-spelling.ts`
 * converts it.
 */
type Schema = Record<string, any>;

const spec = parse(readFileSync(new URL('../../emulators/specs/gravitee/automation-open-api.yaml', import.meta.url), 'utf8')) as Schema;
const schemas = spec.components.schemas as Record<string, Schema>;

/** The CRD (GKO's, as installed from infra/crds/upstream) and the Automation request schema of each synced kind. */
const KINDS: { kind: string; plural: string; request: string }[] = [
  { kind: 'ApiV4Definition', plural: 'apiv4definitions', request: 'ApiV4Spec' },
  { kind: 'Application', plural: 'applications', request: 'ApplicationSpec' },
  { kind: 'SharedPolicyGroup', plural: 'sharedpolicygroups', request: 'SharedPolicyGroupSpec' },
  { kind: 'Group', plural: 'groups', request: 'GroupSpec' },
  { kind: 'Dictionary', plural: 'dictionaries', request: 'DictionarySpec' },
  { kind: 'Subscription', plural: 'subscriptions', request: 'SubscriptionSpec' },
  { kind: 'Portal', plural: 'portals', request: 'PortalSpec' },
  { kind: 'PortalListing', plural: 'portallistings', request: 'PortalListingSpec' },
  { kind: 'PortalLink', plural: 'portallinks', request: 'PortalLinkSpec' },
  { kind: 'Documentation', plural: 'documentations', request: 'DocumentationSpec' },
];

function crdSpecSchema(plural: string): Schema {
  const crd = parse(readFileSync(new URL(`../../infra/crds/upstream/gravitee.io_${plural}.yaml`, import.meta.url), 'utf8')) as Schema;
  return crd.spec.versions.find((v: Schema) => v.storage).schema.openAPIV3Schema.properties.spec;
}

const deref = (s: Schema | undefined): Schema | undefined => {
  let n = s;
  for (let i = 0; n?.$ref && i < 20; i++) n = schemas[String(n.$ref).split('/').pop()!];
  return n;
};

/** Every shape a spec node may take: `$ref` followed, `allOf` merged, `oneOf`/`anyOf` alternatives expanded. */
function shapes(s: Schema | undefined, seen = new Set<Schema>()): Schema[] {
  const n = deref(s);
  if (!n || seen.has(n)) return [];
  seen.add(n);
  return [n, ...['allOf', 'oneOf', 'anyOf'].flatMap((k) => ((n[k] ?? []) as Schema[]).flatMap((x) => shapes(x, seen)))];
}

interface EnumPair {
  path: string;
  /** The CRD's enum, or undefined where the CRD takes any string. */
  crd: string[] | undefined;
  spec: string[];
}

/** A CRD field's enum: its own, or what every `allOf` enum allows (controller-gen writes one per marker). */
function enumOf(c: Schema): string[] | undefined {
  const enums = [c.enum, ...((c.allOf ?? []) as Schema[]).map((x) => x.enum)].filter(Array.isArray) as string[][];
  return enums.length ? enums.reduce((a, b) => a.filter((v) => b.includes(v))) : undefined;
}

/**
 * Walks the CRD schema and the spec schema together. A CRD map (`additionalProperties`) meets a spec list where GKO
 * turns it into one (plans, pages: `plans[]`), arrays meet arrays, properties meet properties of the same name.
 */
function enumPairs(crd: Schema, request: Schema): EnumPair[] {
  const pairs: EnumPair[] = [];
  const walk = (c: Schema | undefined, candidates: Schema[], path: string): void => {
    if (!c || candidates.length === 0) return;
    const all = candidates.flatMap((x) => shapes(x));
    const specEnum = [...new Set(all.filter((x) => Array.isArray(x.enum)).flatMap((x) => x.enum as string[]))];
    const crdEnum = enumOf(c);
    if (specEnum.length && (crdEnum || c.type === 'string')) pairs.push({ path, crd: crdEnum, spec: specEnum });
    for (const [k, v] of Object.entries<Schema>(c.properties ?? {})) {
      walk(v, all.filter((x) => x.properties?.[k]).map((x) => x.properties[k]), path ? `${path}.${k}` : k);
    }
    if (c.items) walk(c.items, all.filter((x) => x.items).map((x) => x.items), `${path}[]`);
    if (typeof c.additionalProperties === 'object') {
      const lists = all.filter((x) => x.items).map((x) => x.items);
      const maps = all.filter((x) => typeof x.additionalProperties === 'object').map((x) => x.additionalProperties);
      walk(c.additionalProperties, lists.length ? lists : maps, lists.length ? `${path}[]` : `${path}{}`);
    }
  };
  walk(crd, [request], '');
  return pairs;
}

/** A body holding `value` at `path` (one element per list). */
function bodyWith(path: string, value: unknown): Record<string, unknown> {
  const segments = path.split('.');
  let node: unknown = value;
  for (const seg of segments.reverse()) {
    const each = seg.endsWith('[]');
    node = { [each ? seg.slice(0, -2) : seg]: each ? [node] : node };
  }
  return node as Record<string, unknown>;
}

function valueAt(body: unknown, path: string): unknown {
  let node = body;
  for (const seg of path.split('.')) {
    const each = seg.endsWith('[]');
    node = (node as Record<string, unknown>)[each ? seg.slice(0, -2) : seg];
    if (each) node = (node as unknown[])[0];
  }
  return node;
}

/** How users write a value where the CRD takes any string: as the spec, in lower case, GKO's gateway spelling. */
const freeSpellings = (v: string): string[] => [...new Set([v, v.toLowerCase(), v.toUpperCase(), v.toLowerCase().replaceAll('_', '-')])];

const pairsByKind = new Map(KINDS.map(({ kind, plural, request }) => [kind, enumPairs(crdSpecSchema(plural), schemas[request]!)]));

describe('CRD and Automation API enums, walked together', () => {
  it('reaches the fields behind maps turned into lists and the known differences', () => {
    const paths = (kind: string) => pairsByKind.get(kind)!.map((p) => p.path);
    expect(paths('ApiV4Definition')).toEqual(
      expect.arrayContaining(['plans[].security.type', 'plans[].mode', 'plans[].validation', 'plans[].status', 'pages[].type', 'pages[].visibility', 'flowExecution.mode', 'lifecycleState']),
    );
    expect(paths('Application')).toContain('settings.oauth.applicationType');
    expect(paths('SharedPolicyGroup')).toEqual(expect.arrayContaining(['apiType', 'phase']));
    expect(paths('Dictionary')).toEqual(expect.arrayContaining(['type', 'dynamic.provider.method']));
    expect(paths('Documentation')).toEqual(expect.arrayContaining(['type', 'area']));
  });

  describe.each(KINDS.map((k) => k.kind))('%s', (kind) => {
    const pairs = pairsByKind.get(kind)!;
    const cases = pairs.flatMap((p) =>
      (p.crd ?? p.spec.flatMap(freeSpellings)).map((value) => ({ path: p.path, value, spec: p.spec, free: !p.crd })),
    );
    it(`sends every CRD value spelled as the spec enum (${cases.length} values)`, () => {
      const misses = cases
        .map((c) => ({ ...c, sent: valueAt(toAutomationSpelling(kind, bodyWith(c.path, c.value)), c.path) }))
        .filter((c) => !c.spec.includes(c.sent as string))
        .map((c) => `${c.path}: ${c.free ? 'free string ' : ''}${JSON.stringify(c.value)} sent as ${JSON.stringify(c.sent)}, spec: ${c.spec.join('|')}`);
      expect(misses).toEqual([]);
    });
  });

  it('has no table entry the walk does not find, each with exactly the spec enum', () => {
    for (const [kind, table] of Object.entries(automationSpellings)) {
      if (kind === 'ApiDefinition') continue;
      for (const [path, values] of Object.entries(table)) {
        const pair = pairsByKind.get(kind)?.find((p) => p.path === path);
        expect(pair, `${kind} ${path}`).toBeDefined();
        expect([...values].sort(), `${kind} ${path}`).toEqual([...pair!.spec].sort());
      }
    }
  });
});

describe('toAutomationSpelling', () => {
  it('converts inside plans and leaves other fields and unknown values alone', () => {
    const body = {
      name: 'BROWSER',
      flowExecution: { mode: 'best-match', matchRequired: false },
      plans: [{ hrid: 'a', security: { type: 'key_less' } }, { hrid: 'b', security: { type: 'custom' } }],
    };
    const sent = toAutomationSpelling('ApiV4Definition', body);
    expect(sent).toEqual({
      name: 'BROWSER',
      flowExecution: { mode: 'BEST_MATCH', matchRequired: false },
      plans: [{ hrid: 'a', security: { type: 'KEY_LESS' } }, { hrid: 'b', security: { type: 'custom' } }],
    });
    expect(body.flowExecution.mode).toBe('best-match');
  });

  it('sends an Application oauth type in the spec spelling', () => {
    const sent = toAutomationSpelling('Application', { settings: { oauth: { applicationType: 'BACKEND_TO_BACKEND', grantTypes: ['client_credentials'] } } });
    expect(sent).toEqual({ settings: { oauth: { applicationType: 'backend_to_backend', grantTypes: ['client_credentials'] } } });
  });

  it('leaves the v2 import body as GKO sends it', () => {
    const body = { flow_mode: 'DEFAULT', plans: [{ security: 'KEY_LESS' }] };
    expect(toAutomationSpelling('ApiDefinition', body)).toEqual(body);
  });
});
