import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnershipTable, type OwnershipTable } from '../../local/ownership-table.ts';
import { ownershipKey, type OwnerRef } from '../../shared/ownership/ownership-store.ts';

// The DynamoDB store against dynalite, a local DynamoDB speaking the same protocol.
let table: OwnershipTable;
beforeAll(async () => {
  table = await startOwnershipTable();
});
afterAll(() => table?.close());

const resource = (cluster: string, name = 'orders', namespace = 'default'): OwnerRef => ({ cluster, apiVersion: 'gravitee.io/v1alpha1', kind: 'ApiV4Definition', namespace, name, uid: `uid-${cluster}-${namespace}-${name}` });
let n = 0;
const freshKey = () => `gravitee/api/k${++n}@https://apim.example.com/management/organizations/DEFAULT/environments/DEFAULT`;

describe('DynamoDbOwnershipStore', () => {
  it('gives an absent record to the first claim, and keeps it for its owner', async () => {
    const key = freshKey();
    expect(await table.store.claim(key, resource('east'))).toEqual({ outcome: 'owned' });
    expect(await table.store.claim(key, resource('east'))).toEqual({ outcome: 'owned' });
    const record = await table.store.read(key);
    expect(record?.owner).toEqual(resource('east'));
    expect(record?.waiters).toEqual([]);
    expect(record?.adopt).toBe(false);
  });

  it('of many concurrent claims of one record, exactly one owns it; the others wait for it', async () => {
    for (let round = 0; round < 5; round++) {
      const key = freshKey();
      const claimants = Array.from({ length: 12 }, (_, i) => resource(`cluster-${i}`));
      const results = await Promise.all(claimants.map((c) => table.store.claim(key, c)));
      const owners = claimants.filter((_, i) => results[i].outcome === 'owned');
      expect(owners).toHaveLength(1);
      for (const r of results) if (r.outcome === 'lost') expect(r.owner).toEqual(owners[0]);
      const record = await table.store.read(key);
      expect(record?.owner).toEqual(owners[0]);
      expect(record?.waiters.map((w) => w.cluster).sort()).toEqual(claimants.filter((c) => c !== owners[0]).map((c) => c.cluster).sort());
    }
  });

  it('one resource is the same owner whatever its uid or served version (re-created under its name)', async () => {
    const key = freshKey();
    await table.store.claim(key, resource('east'));
    expect(await table.store.claim(key, { ...resource('east'), uid: 'another-uid', apiVersion: 'gravitee.io/v1beta1' })).toEqual({ outcome: 'owned' });
    // Same name, another namespace, kind or cluster: another resource.
    expect((await table.store.claim(key, resource('east', 'orders', 'other'))).outcome).toBe('lost');
    expect((await table.store.claim(key, { ...resource('east'), kind: 'ApiDefinition' })).outcome).toBe('lost');
  });

  it('a loser waits once, however often it claims', async () => {
    const key = freshKey();
    await table.store.claim(key, resource('east'));
    for (let i = 0; i < 3; i++) expect(await table.store.claim(key, resource('west'))).toMatchObject({ outcome: 'lost', owner: resource('east'), ownerAdopted: false });
    expect((await table.store.read(key))?.waiters).toEqual([resource('west')]);
  });

  it('adopt takes the record over; the former owner waits; a waiter that becomes owner waits no more', async () => {
    const key = freshKey();
    await table.store.claim(key, resource('east'));
    await table.store.claim(key, resource('west')); // lost: waits
    expect(await table.store.claim(key, resource('west'), { adopt: true })).toEqual({ outcome: 'adopted', former: resource('east') });
    const record = await table.store.read(key);
    expect(record?.owner).toEqual(resource('west'));
    expect(record?.adopt).toBe(true);
    // A claim of the owner removes it from the waiters (the takeover could not: one expression, one path).
    await table.store.claim(key, resource('west'), { adopt: true });
    expect((await table.store.read(key))?.waiters).toEqual([resource('east')]);
    // The former owner, woken, meets the new owner.
    expect(await table.store.claim(key, resource('east'))).toEqual({ outcome: 'lost', owner: resource('west'), ownerAdopted: true });
  });

  it('an owner that carries adopt itself is not taken over by another adopter until it drops the annotation', async () => {
    const key = freshKey();
    await table.store.claim(key, resource('east'), { adopt: true });
    expect(await table.store.claim(key, resource('west'), { adopt: true })).toMatchObject({ outcome: 'lost', owner: resource('east'), ownerAdopted: true });
    await table.store.claim(key, resource('east')); // east's annotation removed: its next claim says so
    expect(await table.store.claim(key, resource('west'), { adopt: true })).toEqual({ outcome: 'adopted', former: resource('east') });
  });

  it('of two racing adopters exactly one takes the record over', async () => {
    for (let round = 0; round < 5; round++) {
      const key = freshKey();
      await table.store.claim(key, resource('east'));
      const results = await Promise.all([table.store.claim(key, resource('west'), { adopt: true }), table.store.claim(key, resource('north'), { adopt: true })]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['adopted', 'lost']);
    }
  });

  it('releases only for the owner, and hands back the waiters to wake (never the owner itself)', async () => {
    const key = freshKey();
    await table.store.claim(key, resource('east'));
    await table.store.claim(key, resource('west'));
    await table.store.claim(key, resource('north'));
    expect(await table.store.release(key, resource('west'))).toEqual([]);
    expect((await table.store.read(key))?.owner).toEqual(resource('east'));
    expect((await table.store.release(key, resource('east'))).map((w) => w.cluster).sort()).toEqual(['north', 'west']);
    expect(await table.store.read(key)).toBeUndefined();
    expect(await table.store.release(key, resource('east'))).toEqual([]);
    // Released: the next claim owns it.
    expect(await table.store.claim(key, resource('west'))).toEqual({ outcome: 'owned' });
  });

  it('keys name vendor, type, id and scope; credentials in a scope URL stay out; long keys fit DynamoDB', () => {
    const id = { vendor: 'gravitee', scope: 'https://apim.example.com/management/organizations/DEFAULT/environments/DEFAULT', type: 'api', id: 'default-orders' } as const;
    expect(ownershipKey(id)).toBe('gravitee/api/default-orders@https://apim.example.com/management/organizations/DEFAULT/environments/DEFAULT');
    expect(ownershipKey({ ...id, type: 'application' })).not.toBe(ownershipKey(id));
    expect(ownershipKey({ ...id, id: 'a@b' })).toBe('gravitee/api/a%40b@https://apim.example.com/management/organizations/DEFAULT/environments/DEFAULT');
    const withCredentials = ownershipKey({ ...id, scope: 'https://admin:s3cret@apim.example.com/management/organizations/DEFAULT/environments/DEFAULT' });
    expect(withCredentials).not.toContain('s3cret');
    expect(withCredentials).toBe(ownershipKey(id));
    const long = ownershipKey({ ...id, id: 'x'.repeat(3000) });
    expect(Buffer.byteLength(long)).toBeLessThan(2048);
    expect(long).not.toBe(ownershipKey({ ...id, id: `${'x'.repeat(2999)}y` }));
  });
});

describe('DynamoDbOwnershipStore with DynamoDB returning the item on a failed condition', () => {
  it('reads the owner from the failure (ReturnValuesOnConditionCheckFailure) instead of reading the record again', async () => {
    const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    const { DynamoDbOwnershipStore } = await import('../../shared/ownership/dynamodb-ownership-store.ts');
    const east = resource('east');
    const sent: string[] = [];
    const db = {
      send: async (cmd: { constructor: { name: string }; input: { ConditionExpression?: string; ReturnValuesOnConditionCheckFailure?: string } }) => {
        sent.push(cmd.constructor.name);
        if (cmd.constructor.name === 'UpdateItemCommand' && cmd.input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD') {
          expect(cmd.input.ConditionExpression).toBe('attribute_not_exists(pk) OR #ownerId = :me');
          throw new ConditionalCheckFailedException({
            message: 'The conditional request failed',
            $metadata: {},
            Item: {
              pk: { S: 'k' },
              ownerId: { S: 'east/gravitee.io/ApiV4Definition/default/orders' },
              owner: { M: Object.fromEntries(Object.entries(east).map(([k, v]) => [k, { S: v }])) },
              adopt: { BOOL: false },
              claimedAt: { S: '2026-12-03T00:00:00.000Z' },
            },
          });
        }
        return {};
      },
      destroy: () => {},
    };
    const store = new DynamoDbOwnershipStore(db as never, 'table');
    expect(await store.claim('k', resource('west'))).toEqual({ outcome: 'lost', owner: east, ownerAdopted: false });
    expect(sent).toEqual(['UpdateItemCommand', 'UpdateItemCommand']);
  });
});
