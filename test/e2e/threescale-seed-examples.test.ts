import { describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../../cli/main.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { examplesInDocument, documentedWaits, flatten, seedCopy, seedCopyFiles, seedCopyPath, seedCopyText, seedDocumentPresent, seedFileSecret } from '../support/threescale-seed.ts';
import { useThreescaleWorld, MASTER_TOKEN, TENANT, TENANT_TOKEN, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Every YAML example of the user's 3scale operator document, applied unchanged to the cluster with what the document
 * says must exist first, until it reaches the condition the document names (`Synced` for Backend and Product, `Ready`
 * for the other kinds, as the `oc wait` lines and the operator write them); `apim-sync validate` accepts each.
 * The examples are read from the repository's copies (test/e2e/fixtures/threescale-seed/), checked word for word
 * against the document when it is beside the repository.
 */

type Obj = Record<string, any>;
const rename = (o: Obj, name: string, spec: Obj = {}): Obj => ({ ...o, metadata: { ...o.metadata, name }, spec: { ...o.spec, ...spec } });
/** The 3scale api_doc an ActiveDoc without spec.name made: named after the resource, with the petstore's paths. */
const activeDocNamed = (name: string) => w.threescale.state.list(TENANT, 'activeDocs').find((d) => d.name === name && String(d.body).includes('/pets'));
/** The document's provider account Secrets name hosts that do not exist: they reach the emulator's tenant instead. */
const atEmulator = (secret: Obj): Obj => ({ ...secret, stringData: { ...secret.stringData, adminURL: w.adminURL, token: TENANT_TOKEN } });

// What the document says must exist before an example, built from the document's own examples and instructions.
const needs = {
  backend1: async () => {
    await w.apply(seedCopy('01-backend-backend1.yaml'));
    await w.waitForCondition('Backend', 'backend1', 'Synced', 'True');
  },
  /** §8.4 "Have a product CR already created": the §8.3 product, as the product1-sample the examples name. */
  product1Sample: async () => {
    await needs.backend1();
    await w.apply(rename(seedCopy('02-product-product1.yaml'), 'product1-sample', { name: 'OperatedProduct 1 sample', systemName: 'product1sample' }));
    await w.waitForCondition('Product', 'product1-sample', 'Synced', 'True');
  },
  mytenant: () => w.apply(atEmulator(seedCopy('08-secret-mytenant.yaml'))),
  /** §8.6.1 / §8.7.1 `oc create secret generic myoasdoc1 --from-file myoasdoc1.yaml`. */
  myoasdoc1: () => w.apply(seedFileSecret('myoasdoc1', 'myoasdoc1.yaml', '09-oas-myoasdoc1.yaml')),
  /**
   * §8.12.2: a new DeveloperAccount needs a DeveloperUser with the admin role. The guide's admin user names
   * `developeraccount1` (so does its `oc wait developeraccount/developeraccount1`), an account it never shows: it is
   * the guide's developeraccount01 under that name.
   */
  developeraccount1: async () => {
    await needs.mytenant();
    await w.apply(seedCopy('21-secret-myusername01.yaml'));
    await w.apply(seedCopy('22-developeruser-developeruser01.yaml'));
    await w.apply(rename(seedCopy('23-developeraccount-developeraccount01.yaml'), 'developeraccount1'));
    await w.waitForCondition('DeveloperAccount', 'developeraccount1', 'Ready', 'True');
  },
};

interface SeedExample {
  /** The condition the document says the example reaches once applied; `deleted` when it deletes itself. */
  reaches?: 'Synced' | 'Ready' | 'deleted';
  /** Applied, without a condition of its own (Secrets, OpenAPI documents): how; the Secret it makes. */
  prerequisite?: () => Promise<KubeObject>;
  /** Not applied: why, and what it must be for that reason. */
  notApplied?: { why: string; check: (o: Obj) => void };
  /** A fragment: applied within the resource it belongs to (a kind of ours reads it), and checked there. */
  partOf?: { kind: string; why: string; run: (fragment: Obj) => Promise<void> };
  before?: () => Promise<unknown>;
  after?: (obj: KubeObject) => Promise<unknown>;
  /** The document's `<placeholders>`, filled in as its instructions say; nothing else changes. */
  placeholders?: () => Record<string, string>;
  /**
   * A DeveloperAccount the document gives no admin DeveloperUser: as with the operator, it waits for one (`Waiting`,
   * "valid admin developer user CR not found") and makes no account, instead of `reaches`; the value says why.
   */
  waitsForAdmin?: string;
}

/**
 * 07 and 23: the document shows each alone, Ready once signed up with an admin user. Here developeraccount1 (Ecorp
 * too) is Ready before them, and its admin user names it, not them: as with the operator, which keys an account by
 * its id (org names are not unique in a tenant), each is an account of its own, waiting for its own admin user.
 */
const WAITS_FOR_ADMIN = 'an account of its own (not the Ecorp account of developeraccount1): none is made without its admin user';

/** One entry per copy, in document order. */
const EXAMPLES: Record<string, SeedExample> = {
  '01-backend-backend1.yaml': { reaches: 'Synced' },
  '02-product-product1.yaml': { reaches: 'Synced', before: needs.backend1 },
  '03-proxyconfigpromote-staging.yaml': {
    reaches: 'Ready',
    before: needs.product1Sample,
    // The status the document shows for it (06), and gone before the next: a promotion only takes effect when created.
    after: async (obj) => {
      const { status } = seedCopy('06-proxyconfigpromote-status-output.yaml');
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: status.conditions[0].type, status: status.conditions[0].status }));
      await removePromote();
    },
  },
  '04-proxyconfigpromote-production.yaml': { reaches: 'Ready', before: needs.product1Sample, after: () => removePromote() },
  '05-proxyconfigpromote-deletecr.yaml': { reaches: 'deleted', before: needs.product1Sample },
  '06-proxyconfigpromote-status-output.yaml': {
    notApplied: { why: 'what `oc get proxyconfigpromote` shows: the status 03 is checked against', check: (o) => expect(o.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' })) },
  },
  '07-developeraccount-simple-sample.yaml': { before: needs.developeraccount1, waitsForAdmin: WAITS_FOR_ADMIN },
  '08-secret-mytenant.yaml': { prerequisite: needs.mytenant },
  '09-oas-myoasdoc1.yaml': { prerequisite: needs.myoasdoc1 },
  '10-openapi-myopenapicr1.yaml': { reaches: 'Ready', before: needs.myoasdoc1 },
  '11-oas-apikey-security-fragment.yaml': {
    partOf: {
      kind: 'OpenAPI',
      why: "a partial OpenAPI document: imported within §8.6.1's document by an OpenAPI as myopenapicr1, its Product authenticates with the apiKey",
      run: async (fragment) => {
        const doc = { ...parse(seedCopyText('09-oas-myoasdoc1.yaml')), security: fragment.security, components: fragment.components };
        await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'myoasdoc1-apikey' }, stringData: { 'myoasdoc1.yaml': stringify(doc) } });
        const cr = rename(seedCopy('10-openapi-myopenapicr1.yaml'), 'myopenapicr1-apikey', { openapiRef: { secretRef: { name: 'myoasdoc1-apikey' } }, productSystemName: 'sometitleapikey' });
        await w.apply(cr);
        const o = await w.waitForCondition('OpenAPI', 'myopenapicr1-apikey', 'Ready', 'True');
        const product = await w.get('Product', (o.status as Obj).productResourceName.name);
        expect(product?.spec).toMatchObject({ deployment: { apicastHosted: { authentication: { userkey: { authUserKey: 'api_key', credentials: 'headers' } } } } });
      },
    },
  },
  '12-openapi-openapi1-public-base-urls.yaml': { reaches: 'Ready' },
  '13-openapi-openapi1-url.yaml': { reaches: 'Ready', before: needs.mytenant },
  '14-oas-myoasdoc1.yaml': { prerequisite: needs.myoasdoc1 },
  '15-activedoc-myactivedoccr1-secret.yaml': { reaches: 'Ready', before: needs.myoasdoc1 },
  // The guide writes these ActiveDocs with the OpenAPI kind's `openapiRef` and no `name`, which the operator's CRD
  // refuses; ours accepts both (infra/crds/generate.ts ACTIVEDOC_EXTENSION), so they import the URL's document.
  '16-activedoc-myactivedoccr1-url.yaml': { reaches: 'Ready', before: needs.mytenant, after: async (o) => expect(activeDocNamed(o.metadata.name)).toMatchObject({ system_name: 'myactivedoccr1' }) },
  '17-activedoc-myactivedoccr1-public-base-urls.yaml': { reaches: 'Ready', after: async (o) => expect(activeDocNamed(o.metadata.name)).toMatchObject({ system_name: 'myactivedoccr1' }) },
  '18-custompolicydefinition-sample.yaml': { reaches: 'Ready' },
  '19-tenant-ecorp.yaml': {
    reaches: 'Ready',
    // §8.11: the admin password Secret of step 2 and the master credentials of a 3scale installed in this namespace.
    before: async () => {
      await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ecorp-admin-secret' }, stringData: { admin_password: 'ecorp-admin-pw' } });
      await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'system-seed' }, stringData: { MASTER_ACCESS_TOKEN: MASTER_TOKEN } });
    },
    placeholders: () => ({
      '<namespace-in-which-to-create-Tenant-CR>': w.ns,
      // the emulator's master portal serves plain http
      'https://<MASTER_HOSTNAME>': w.threescale.url,
      '<namespace-where-3scale-is-deployed>': w.ns,
      '<ADMIN_SECRET>': 'ecorp-admin-secret',
    }),
    after: async (obj) => {
      const written = await w.cluster.core.readNamespacedSecret({ name: (obj.spec as Obj).tenantSecretRef.name, namespace: w.ns });
      expect(Object.keys(written.data ?? {}).sort()).toEqual(Object.keys(seedCopy('20-secret-tenant-secret-output.yaml').stringData).sort());
    },
  },
  '20-secret-tenant-secret-output.yaml': {
    notApplied: { why: 'the Secret the operator writes for a new tenant: what 19 is checked against', check: (o) => expect(Object.keys(o.stringData).sort()).toEqual(['adminURL', 'token']) },
  },
  '21-secret-myusername01.yaml': { prerequisite: () => w.apply(seedCopy('21-secret-myusername01.yaml')) },
  '22-developeruser-developeruser01.yaml': { reaches: 'Ready', before: needs.developeraccount1 },
  '23-developeraccount-developeraccount01.yaml': { before: needs.developeraccount1, waitsForAdmin: WAITS_FOR_ADMIN },
  '24-secret-myusername02.yaml': { prerequisite: () => w.apply(seedCopy('24-secret-myusername02.yaml')) },
  '25-developeruser-developeruser02.yaml': { reaches: 'Ready', before: async () => (await needs.developeraccount1(), w.apply(seedCopy('24-secret-myusername02.yaml'))) },
};

/** `oc create -f`: the document's examples of one name are each a new object, so an earlier one of that name goes first. */
async function createdAnew(o: Obj) {
  if (!(await w.get(o.kind, o.metadata.name, o.apiVersion))) return;
  await w.remove(o.kind, o.metadata.name, o.apiVersion);
  await waitFor(`${o.kind} ${o.metadata.name} gone`, async () => !(await w.get(o.kind, o.metadata.name, o.apiVersion)));
}

async function removePromote() {
  await w.remove('ProxyConfigPromote', 'proxyconfigpromote-sample');
  await w.waitForGone('ProxyConfigPromote', 'proxyconfigpromote-sample');
}

/** `apim-sync validate -f FILE`, as a user runs it: exit code and output. */
async function validate(file: string): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { code: await main(['validate', '-f', file]), out: lines.join('\n') };
  } finally {
    log.mockRestore();
  }
}

/** The example with its placeholders replaced (in YAML text, so wherever they stand). */
const fill = (o: Obj, values: Record<string, string>): Obj => parse(Object.entries(values).reduce((text, [k, v]) => text.replaceAll(k, v), stringify(o)));

let w: ThreescaleWorld;
useThreescaleWorld((world) => {
  w = world;
});

describe("the 3scale operator document's YAML examples", () => {
  it.skipIf(!seedDocumentPresent())('are the copies in the repository, word for word and in document order', () => {
    expect(seedCopyFiles().map((f) => flatten(seedCopyText(f)))).toEqual(examplesInDocument());
  });

  it('each copy has its entry here, and the conditions agree with the `oc wait` lines', () => {
    expect(seedCopyFiles()).toEqual(Object.keys(EXAMPLES));
    const waits = seedDocumentPresent() ? documentedWaits() : {};
    for (const [file, e] of Object.entries(EXAMPLES)) {
      const o = seedCopy(file);
      const waited = waits[`${String(o.kind).toLowerCase()}/${o.metadata?.name}`];
      if (waited && e.reaches) expect(e.reaches, file).toBe(waited);
    }
  });

  for (const [file, e] of Object.entries(EXAMPLES)) {
    const o = seedCopy(file);
    if (String(o.apiVersion ?? '').startsWith('capabilities.3scale.net/')) {
      it(`${file}: npx apim-sync validate accepts it`, async () => {
        expect(await validate(seedCopyPath(file))).toEqual({ code: 0, out: '1 resource(s) checked, 0 invalid' });
      });
    }
    if (e.partOf) {
      it(`${file}: ${e.partOf.why}`, () => e.partOf!.run(o));
    } else if (e.notApplied) {
      it(`${file}: not applied on its own: ${e.notApplied.why}`, () => e.notApplied!.check(o));
    } else if (e.prerequisite) {
      it(`${file}: applied as the document instructs`, async () => {
        const applied = await e.prerequisite!();
        expect(await w.get('Secret', applied.metadata.name, 'v1')).toMatchObject({ kind: 'Secret', metadata: { uid: applied.metadata.uid } });
      });
    } else {
      it(`${file}: applied ${e.placeholders ? 'with its placeholders filled in' : 'unchanged'}, ${e.waitsForAdmin ? 'waits for its admin DeveloperUser' : `reaches ${e.reaches}`}`, async () => {
        await e.before?.();
        await createdAnew(o);
        await w.apply(e.placeholders ? fill(o, e.placeholders()) : o);
        if (e.reaches === 'deleted') return w.waitForGone(o.kind, o.metadata.name);
        if (e.waitsForAdmin) {
          const accountsBefore = w.threescale.state.list(TENANT, 'accounts').length;
          const waiting = await w.waitForCondition(o.kind, o.metadata.name, 'Waiting', 'True', { apiVersion: o.apiVersion });
          expect(waiting.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False', message: expect.stringContaining('valid admin developer user CR not found') }));
          expect(waiting.status?.accountID).toBeUndefined();
          return expect(w.threescale.state.list(TENANT, 'accounts'), e.waitsForAdmin).toHaveLength(accountsBefore);
        }
        const obj = await w.waitForCondition(o.kind, o.metadata.name, e.reaches!, 'True', { apiVersion: o.apiVersion });
        await e.after?.(obj);
      });
    }
  }
});
