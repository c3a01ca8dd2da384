import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { sendPointer } from '../support/send-message.ts';
import { writesOfOneResync } from '../support/threescale-resync.ts';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { itCreatesNoDuplicateAfterACrash, itKeepsTheObjectWhenOrphaned, type ThreescaleCase } from '../support/threescale-lifecycle.ts';
import { seedCopyPath } from '../support/threescale-seed.ts';
import { waitFor } from '../support/wait.ts';

const SEED = seedCopyPath('18-custompolicydefinition-sample.yaml');

let w: ThreescaleWorld;
useThreescaleWorld((world) => {
  w = world;
});

const policies = (name: string) => w.threescale.state.list(TENANT, 'registryPolicies').filter((p) => p.name === name);
const schemaOf = (name: string) => (policies(name)[0]?.schema ?? {}) as Record<string, unknown>;
const lifecycle: ThreescaleCase = {
  world: () => w,
  kind: 'CustomPolicyDefinition',
  condition: 'Ready',
  make: (name, metadata) => definition(name, {}, metadata),
  copies: (name) => policies(name).length,
};

function definition(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  const schema = { name, version: '1.0', $schema: 'http://apicast.io/policy-v1/schema#manifest#', summary: `Policy ${name}`, configuration: { type: 'object', properties: {} } };
  return { apiVersion: THREESCALE, kind: 'CustomPolicyDefinition', metadata: { name, ...metadata }, spec: { name, version: '1.0', schema, ...spec } };
}

describe('3scale CustomPolicyDefinition', () => {
  it("registers the operator guide's example unchanged and reports Ready with policyID", async () => {
    await w.apply(parse(readFileSync(SEED, 'utf8')));
    const obj = await w.waitForCondition('CustomPolicyDefinition', 'custompolicydefinition-sample', 'Ready', 'True');
    const [p] = policies('APIcast Example Policy');
    expect(p).toMatchObject({ version: '0.1', schema: expect.objectContaining({ summary: 'This is just an example.' }) });
    expect(obj.status).toMatchObject({ policyID: p.id, providerAccountHost: w.adminURL });
    for (const [type, status] of [['Invalid', 'False'], ['Failed', 'False']]) {
      expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type, status, observedGeneration: 1 }));
    }
  });

  it('updates the schema, and reverts a change made in 3scale on the next resync', async () => {
    await w.apply(definition('life'));
    await w.waitForCondition('CustomPolicyDefinition', 'life', 'Ready', 'True');
    const base = definition('life');
    await w.apply(definition('life', { schema: { ...base.spec.schema, summary: 'second', configuration: { type: 'object', properties: { a: { type: 'string' } } } } }));
    await waitFor('updated', () => schemaOf('life').summary === 'second');
    const id = policies('life')[0].id as number;
    w.threescale.state.patch(TENANT, 'registryPolicies', id, { schema: { ...schemaOf('life'), summary: 'edited in 3scale' } });
    await sendPointer(w.plane, (await w.get('CustomPolicyDefinition', 'life'))!, { reason: 'resync', cause: 'drift' });
    await waitFor('drift reverted', () => schemaOf('life').summary === 'second');
    expect(policies('life')).toHaveLength(1);
  });

  it('a resync that finds nothing changed writes nothing to 3scale', async () => {
    expect(await writesOfOneResync(w, 'CustomPolicyDefinition', 'life')).toBe(0);
  });

  it('removes the policy from the registry before the resource', async () => {
    await w.remove('CustomPolicyDefinition', 'life');
    await w.waitForGone('CustomPolicyDefinition', 'life');
    expect(policies('life')).toHaveLength(0);
  });

  itKeepsTheObjectWhenOrphaned(lifecycle, 'policy');

  it('reports an incomplete policy manifest as Invalid', async () => {
    const bad = definition('bad');
    await w.apply({ ...bad, spec: { ...bad.spec, schema: { ...bad.spec.schema, summary: '' } } });
    const obj = await w.waitForCondition('CustomPolicyDefinition', 'bad', 'Invalid', 'True');
    expect(obj.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'False' }));
  });

  itCreatesNoDuplicateAfterACrash(lifecycle);
});
