import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DynamoDbOwnershipStore } from '../shared/ownership/dynamodb-ownership-store.ts';

export interface OwnershipTable {
  store: DynamoDbOwnershipStore;
  endpoint: string;
  tableName: string;
  close(): Promise<void>;
}

/** dynalite ships no types: the one call used. */
type Dynalite = (opts: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

/**
 * The ownership table as serverless.yml declares it (partition key `pk`, a string), served by dynalite, a local
 * DynamoDB, on loopback and in memory: `npm start`, the sandbox, the tests and the bench use it as Lambda uses the real one.
 */
export async function startOwnershipTable(opts: { tableName?: string } = {}): Promise<OwnershipTable> {
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tableName = opts.tableName ?? 'apim-sync-ownership';
  const db = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await db.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client: db, maxWaitTime: 10, minDelay: 0.1, maxDelay: 0.5 }, { TableName: tableName });
  return {
    store: new DynamoDbOwnershipStore(db, tableName),
    endpoint,
    tableName,
    async close() {
      db.destroy();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
