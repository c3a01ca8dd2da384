import { describe, expect, it } from 'vitest';
import { gkoDevContext, gravitee, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { gkoExample } from '../support/gko-examples.ts';
import { itFollowsTheGraviteeLifecycle } from '../support/gravitee-lifecycle.ts';
import { sendPointer } from '../support/send-message.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';

type Json = Record<string, unknown>;
const KIND = 'Dictionary';
const COLLECTION = 'dictionaries';

let w: GraviteeWorld;
useGraviteeWorld((world) => {
  w = world;
});

const remote = (name: string, org = 'acme', env = 'dev') => w.apim.state.object(org, env, COLLECTION, w.hrid(name));
const dictionary = (name: string, extra: Json = {}, meta: Json = {}) =>
  gravitee(KIND, name, { contextRef: { name: 'ctx' }, name, description: 'regions', type: 'MANUAL', deployed: true, manual: { properties: { env: 'test', region: 'eu' } }, ...extra }, meta);

describe('Dictionary lifecycle', () => {
  itFollowsTheGraviteeLifecycle({
    kind: KIND,
    world: () => w,
    make: dictionary,
    remote: (name) => remote(name),
    change: { field: 'manual', value: { properties: { env: 'prod', region: 'us' } } },
    editInConsole: (name) => w.apim.state.patchObject('acme', 'dev', COLLECTION, w.hrid(name), { manual: { properties: { env: 'edited', region: 'us' } } }),
    deleteInConsole: (name) => w.apim.state.deleteObject('acme', 'dev', COLLECTION, w.hrid(name)),
    status: (_obj, r) => ({ id: r.id, organizationId: 'acme', environmentId: 'dev', errors: { severe: [], warning: [] } }),
  });
});

describe('Dictionary particulars', () => {
  it('has the CRD status fields only (no crossId, no processingStatus)', async () => {
    await w.apply(dictionary('status-fields'));
    const obj = await w.waitForCondition(KIND, 'status-fields', 'Accepted', 'True');
    expect(Object.keys(obj.status ?? {}).sort()).toEqual(['conditions', 'environmentId', 'errors', 'id', 'observedGeneration', 'organizationId']);
  });

  it('reverts a property added in the console (its properties are its content, not a subset)', async () => {
    await w.apply(dictionary('strict'));
    await w.waitForCondition(KIND, 'strict', 'Accepted', 'True');
    w.apim.state.patchObject('acme', 'dev', COLLECTION, w.hrid('strict'), { manual: { properties: { env: 'test', region: 'eu', extra: 'console' } } });
    await sendPointer(w.plane, (await w.get(KIND, 'strict'))!, { reason: 'resync', cause: 'console-added-property' });
    await waitFor('added property removed', () => JSON.stringify((remote('strict')?.manual as Json | undefined)?.properties) === JSON.stringify({ env: 'test', region: 'eu' }));
  });

  it("answers GKO's type consistency rules with a False condition naming the field, and writes nothing", async () => {
    const cases: [string, Json, string][] = [
      ['manual-without-manual', { manual: null }, 'spec.manual: Required when type is MANUAL'],
      ['manual-with-dynamic', { dynamic: { provider: { type: 'HTTP', url: 'https://example.org', method: 'GET', specification: '[]' }, trigger: { rate: 1, unit: 'MINUTES' } } }, "spec.dynamic: must not be set when type is MANUAL"],
      ['dynamic-without-dynamic', { type: 'DYNAMIC', manual: null }, 'spec.dynamic: Required when type is DYNAMIC'],
      ['manual-empty', { manual: { properties: {} } }, 'spec.manual.properties: a manual dictionary needs at least one property'],
    ];
    for (const [name, extra] of cases) await w.apply(dictionary(name, extra));
    for (const [name, , message] of cases) {
      const refused = await w.waitForCondition(KIND, name, 'Accepted', 'False', { reason: 'InvalidSpec' });
      expect(conditionOf(refused, 'Accepted')?.message).toContain(message);
      expect(remote(name)).toBeUndefined();
    }
  });

  it("applies GKO's examples unchanged (manual and dynamic) through a dev-ctx context", async () => {
    await w.apply(gkoDevContext(w.apim.url));
    for (const file of ['dictionary-manual.yml', 'dictionary-dynamic.yml']) {
      const example = gkoExample(`apim/dictionary/${file}`);
      await w.apply(example);
      const name = example.metadata.name;
      const obj = await w.waitForCondition(KIND, name, 'Accepted', 'True');
      const stored = remote(name, 'DEFAULT', 'DEFAULT');
      expect(stored).toMatchObject({ name, deployed: true, type: example.spec.type });
      expect(obj.status).toMatchObject({ id: stored!.id, organizationId: 'DEFAULT', environmentId: 'DEFAULT' });
    }
    expect(remote('dynamic-dict', 'DEFAULT', 'DEFAULT')).toMatchObject({ dynamic: { provider: { type: 'HTTP', url: 'https://api.gravitee.io/echo', method: 'GET' }, trigger: { rate: 30, unit: 'SECONDS' } } });
  });
});
