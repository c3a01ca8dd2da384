import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ownerId, type ClaimResult, type OwnerRef, type OwnershipRecord, type OwnershipStore } from './ownership-store.ts';

type Item = Record<string, AttributeValue>;

/** Attribute names: `owner` is one of DynamoDB's reserved words, so every expression names them through these. */
const NAMES = { '#owner': 'owner', '#ownerId': 'ownerId', '#adopt': 'adopt', '#claimedAt': 'claimedAt', '#waiters': 'waiters' };

/** Claims that met a record changing under them (released, taken over) try again, a few times. */
const ATTEMPTS = 5;

/**
 * Ownership records in one DynamoDB table (partition key `pk`, a string: the ownership key). Every change is one
 * conditional write, DynamoDB's lock: of two claims racing for an absent record, exactly one condition holds.
 * Item: `ownerId` (what conditions compare: cluster, API group, kind, namespace, name), `owner` (a map, for messages),
 * `adopt`, `claimedAt`, `waiters` (a string set of the losers, each a JSON OwnerRef).
 */
export class DynamoDbOwnershipStore implements OwnershipStore {
  private readonly db: DynamoDBClient;
  private readonly table: string;
  constructor(db: DynamoDBClient, table: string) {
    this.db = db;
    this.table = table;
  }

  async claim(key: string, claimant: OwnerRef, opts: { adopt?: boolean } = {}): Promise<ClaimResult> {
    const me = ownerId(claimant);
    const adopt = opts.adopt ?? false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // Absent → mine; mine → still mine (its adopt flag refreshed, and it no longer waits for itself).
      const current = await this.conditional(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: key } },
          UpdateExpression: 'SET #ownerId = :me, #owner = :owner, #adopt = :adopt, #claimedAt = if_not_exists(#claimedAt, :now) DELETE #waiters :meSet',
          ConditionExpression: 'attribute_not_exists(pk) OR #ownerId = :me',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: { ':me': { S: me }, ':owner': ownerItem(claimant), ':adopt': { BOOL: adopt }, ':now': { S: new Date().toISOString() }, ':meSet': { SS: [waiterEntry(claimant)] } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        key,
      );
      if (current === 'written') return { outcome: 'owned' };
      if (!current) continue; // released between the write and the read
      const theirs = current.holder;
      if (adopt && !current.record.adopt) {
        const taken = await this.conditional(
          new UpdateItemCommand({
            TableName: this.table,
            Key: { pk: { S: key } },
            UpdateExpression: 'SET #ownerId = :me, #owner = :owner, #adopt = :adopt, #claimedAt = :now ADD #waiters :former',
            ConditionExpression: '#ownerId = :theirs',
            ExpressionAttributeNames: NAMES,
            ExpressionAttributeValues: { ':me': { S: me }, ':owner': ownerItem(claimant), ':adopt': { BOOL: true }, ':now': { S: new Date().toISOString() }, ':former': { SS: [waiterEntry(current.record.owner)] }, ':theirs': { S: theirs } },
          }),
          undefined,
        );
        if (taken === 'written') return { outcome: 'adopted', former: current.record.owner };
        continue;
      }
      const waiting = await this.conditional(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: key } },
          UpdateExpression: 'ADD #waiters :me',
          ConditionExpression: '#ownerId = :theirs',
          ExpressionAttributeNames: { '#ownerId': 'ownerId', '#waiters': 'waiters' },
          ExpressionAttributeValues: { ':me': { SS: [waiterEntry(claimant)] }, ':theirs': { S: theirs } },
        }),
        undefined,
      );
      if (waiting === 'written') return { outcome: 'lost', owner: current.record.owner, ownerAdopted: current.record.adopt };
    }
    throw new Error(`ownership record ${key} changed under ${ATTEMPTS} claims in a row`);
  }

  async release(key: string, owner: OwnerRef): Promise<OwnerRef[]> {
    try {
      const out = await this.db.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: key } },
          ConditionExpression: '#ownerId = :me',
          ExpressionAttributeNames: { '#ownerId': 'ownerId' },
          ExpressionAttributeValues: { ':me': { S: ownerId(owner) } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const me = ownerId(owner);
      return out.Attributes ? recordOf(key, out.Attributes).waiters.filter((w) => ownerId(w) !== me) : [];
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return []; // absent, or another's: nothing of ours to release
      throw err;
    }
  }

  async read(key: string): Promise<OwnershipRecord | undefined> {
    const { Item } = await this.db.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: key } }, ConsistentRead: true }));
    return Item ? recordOf(key, Item) : undefined;
  }

  close(): void {
    this.db.destroy();
  }

  /**
   * Sends a conditional write: 'written', or on a failed condition the record as it stands (from the failure itself
   * when DynamoDB returns it, ReturnValuesOnConditionCheckFailure; else read again, as local emulators return none).
   */
  private async conditional(cmd: UpdateItemCommand, key: string | undefined): Promise<'written' | { record: OwnershipRecord; holder: string } | undefined> {
    try {
      await this.db.send(cmd);
      return 'written';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      if (key === undefined) return undefined;
      const item = err.Item ?? (await this.db.send(new GetItemCommand({ TableName: this.table, Key: { pk: { S: key } }, ConsistentRead: true }))).Item;
      return item?.ownerId?.S ? { record: recordOf(key, item), holder: item.ownerId.S } : undefined;
    }
  }
}

const OWNER_FIELDS = ['cluster', 'apiVersion', 'kind', 'namespace', 'name', 'uid'] as const;

function ownerItem(o: OwnerRef): AttributeValue {
  return { M: Object.fromEntries(OWNER_FIELDS.map((f) => [f, { S: o[f] }])) };
}

/** A waiter as one string of the set: the fields in a fixed order, so the same resource is one entry. */
function waiterEntry(o: OwnerRef): string {
  return JSON.stringify(Object.fromEntries(OWNER_FIELDS.map((f) => [f, o[f]])));
}

function recordOf(key: string, item: Item): OwnershipRecord {
  const m = item.owner?.M ?? {};
  const owner = Object.fromEntries(OWNER_FIELDS.map((f) => [f, m[f]?.S ?? ''])) as unknown as OwnerRef;
  const waiters = (item.waiters?.SS ?? []).flatMap((s) => {
    try {
      return [JSON.parse(s) as OwnerRef];
    } catch {
      return [];
    }
  });
  return { key, owner, adopt: item.adopt?.BOOL ?? false, claimedAt: item.claimedAt?.S ?? '', waiters };
}
