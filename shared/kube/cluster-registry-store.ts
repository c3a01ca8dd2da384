import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ClusterRegistryDocument } from './cluster-registry.ts';

/**
 * The writing side of the cluster registry (`apim-sync cluster add|list|remove`): the same document the sync function
 * reads (shared/kube/cluster-registry.ts), in a file or an AWS Secrets Manager secret.
 */
export interface ClusterRegistryStore {
  /** Where the document lives, for messages (a path or a secret id; never its content). */
  readonly where: string;
  /** The document; an absent file or secret is an empty registry. */
  read(): Promise<ClusterRegistryDocument>;
  /** Reads, changes and writes the document back (creating the file or the secret when absent). */
  update(change: (doc: ClusterRegistryDocument) => ClusterRegistryDocument): Promise<void>;
}

const EMPTY: ClusterRegistryDocument = { clusters: {} };

/** A document that does not parse is refused, not overwritten: it may hold other clusters' credentials. */
function parseDocument(text: string, where: string): ClusterRegistryDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where} is not JSON (${(err as Error).message}); fix or remove it before changing the registry`);
  }
  const parsed = ClusterRegistryDocument.safeParse(json);
  if (!parsed.success) throw new Error(`${where} is not a cluster registry document: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** CLUSTER_REGISTRY_FILE's document; written whole to a temporary file then renamed, readable by its owner only. */
export class FileClusterRegistryStore implements ClusterRegistryStore {
  readonly where: string;
  private readonly path: string;
  constructor(path: string) {
    this.path = path;
    this.where = path;
  }
  async read(): Promise<ClusterRegistryDocument> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw err;
    }
    return parseDocument(text, this.path);
  }
  async update(change: (doc: ClusterRegistryDocument) => ClusterRegistryDocument): Promise<void> {
    const next = ClusterRegistryDocument.parse(change(await this.read()));
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${randomUUID()}.tmp`;
    await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }
}

/**
 * CLUSTER_REGISTRY_SECRET_ID's document: GetSecretValue, then PutSecretValue (a new version; Secrets Manager moves
 * AWSCURRENT to it), or CreateSecret when the secret does not exist yet. Secrets Manager has no conditional write:
 * two `cluster add` runs at the same moment on one registry keep the last one's document.
 */
export class SecretsManagerClusterRegistryStore implements ClusterRegistryStore {
  readonly where: string;
  private readonly client: Promise<SecretsManagerClient>;
  private readonly secretId: string;
  /** `client`: a client, or options for one (region; endpoint, for a stand-in). */
  constructor(secretId: string, client?: SecretsManagerClient | { region?: string; endpoint?: string }) {
    this.secretId = secretId;
    this.where = `Secrets Manager secret ${secretId}`;
    this.client = client && 'send' in client ? Promise.resolve(client) : import('@aws-sdk/client-secrets-manager').then(({ SecretsManagerClient }) => new SecretsManagerClient({ ...(client ?? {}) }));
  }

  /** The secret's document, or undefined when the secret does not exist. */
  private async current(): Promise<ClusterRegistryDocument | undefined> {
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    try {
      const got = await (await this.client).send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (got.SecretString === undefined) throw new Error(`${this.where} holds a binary value, not a cluster registry document`);
      return parseDocument(got.SecretString, this.where);
    } catch (err) {
      if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  async read(): Promise<ClusterRegistryDocument> {
    return (await this.current()) ?? structuredClone(EMPTY);
  }

  async update(change: (doc: ClusterRegistryDocument) => ClusterRegistryDocument): Promise<void> {
    const { CreateSecretCommand, PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const existing = await this.current();
    const SecretString = JSON.stringify(ClusterRegistryDocument.parse(change(existing ?? structuredClone(EMPTY))));
    // One token per write: a retry of the same request by the SDK does not make a second version.
    const ClientRequestToken = randomUUID();
    const sm = await this.client;
    if (existing) {
      await sm.send(new PutSecretValueCommand({ SecretId: this.secretId, SecretString, ClientRequestToken }));
      return;
    }
    if (this.secretId.startsWith('arn:')) throw new Error(`${this.where} does not exist; create it by name (an ARN names an existing secret)`);
    try {
      await sm.send(new CreateSecretCommand({ Name: this.secretId, SecretString, ClientRequestToken, Description: 'apim-sync cluster registry: how the sync function reaches each member cluster' }));
    } catch (err) {
      // Created by someone else meanwhile: write a new version of it instead.
      if ((err as { name?: string }).name !== 'ResourceExistsException') throw err;
      await this.update(change);
    }
  }
}
