import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for AWS Secrets Manager speaking its JSON protocol (awsJson1_1: POST /, `X-Amz-Target:
 * secretsmanager.<Operation>`, `Content-Type: application/x-amz-json-1.1`, SigV4 for service `secretsmanager`), for
 * the operations the cluster registry uses: GetSecretValue, PutSecretValue, CreateSecret. Errors as the service
 * answers them (`__type` and `message`, HTTP 400). A request the API would refuse is recorded in `violations`.
 */
export interface SecretsManagerStandIn {
  endpoint: string;
  region: string;
  /** Secret name → its versions, newest last; the last one is AWSCURRENT. */
  secrets: Map<string, { arn: string; versions: { id: string; value: string }[] }>;
  calls: string[];
  /** The region each request was signed for (its SigV4 credential scope). */
  signedRegions: string[];
  violations: string[];
  close(): Promise<void>;
}

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

export async function startSecretsManagerStandIn(): Promise<SecretsManagerStandIn> {
  const secrets: SecretsManagerStandIn['secrets'] = new Map();
  const calls: string[] = [];
  const signedRegions: string[] = [];
  const violations: string[] = [];
  const find = (id: unknown) => (typeof id === 'string' ? [...secrets.entries()].find(([name, s]) => name === id || s.arn === id) : undefined);
  const notFound = () => ({ status: 400, body: { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." } });

  const operations: Record<string, (input: Record<string, any>) => { status: number; body: unknown }> = {
    GetSecretValue(input) {
      const found = find(input.SecretId);
      if (!found) return notFound();
      const [name, s] = found;
      const v = s.versions.at(-1)!;
      return { status: 200, body: { ARN: s.arn, Name: name, VersionId: v.id, SecretString: v.value, VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 } };
    },
    PutSecretValue(input) {
      const found = find(input.SecretId);
      if (!found) return notFound();
      const [name, s] = found;
      const id = input.ClientRequestToken ?? randomUUID();
      const same = s.versions.find((v) => v.id === id);
      if (same && same.value !== input.SecretString) return { status: 400, body: { __type: 'ResourceExistsException', message: `You can't modify an existing version, you can only create a new version.` } };
      if (!same) s.versions.push({ id, value: input.SecretString });
      return { status: 200, body: { ARN: s.arn, Name: name, VersionId: id, VersionStages: ['AWSCURRENT'] } };
    },
    CreateSecret(input) {
      if (secrets.has(input.Name)) return { status: 400, body: { __type: 'ResourceExistsException', message: `The operation failed because the secret ${input.Name} already exists.` } };
      const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${input.Name}-${randomUUID().slice(0, 6)}`;
      const id = input.ClientRequestToken ?? randomUUID();
      secrets.set(input.Name, { arn, versions: input.SecretString === undefined ? [] : [{ id, value: input.SecretString }] });
      return { status: 200, body: { ARN: arn, Name: input.Name, VersionId: id } };
    },
  };
  const required: Record<string, string[]> = { GetSecretValue: ['SecretId'], PutSecretValue: ['SecretId'], CreateSecret: ['Name'] };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const op = target.replace(/^secretsmanager\./, '');
    calls.push(op);
    signedRegions.push(/Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '');
    const refuse = (why: string) => violations.push(`${op || target || '?'}: ${why}`);
    if (req.method !== 'POST' || req.url !== '/') refuse(`${req.method} ${req.url}: the JSON protocol posts to /`);
    if (req.headers['content-type'] !== 'application/x-amz-json-1.1') refuse(`Content-Type ${req.headers['content-type']}`);
    if (!/^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/secretsmanager\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/.test(String(req.headers.authorization ?? ''))) refuse('not SigV4-signed for secretsmanager (with X-Amz-Target signed)');
    let input: Record<string, any> = {};
    try {
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      refuse('body is not JSON');
    }
    const handler = operations[op];
    let answer: { status: number; body: unknown };
    if (!target.startsWith('secretsmanager.') || !handler) {
      refuse(`unknown operation ${target}`);
      answer = { status: 400, body: { __type: 'UnknownOperationException', message: '' } };
    } else {
      const missing = required[op].filter((k) => typeof input[k] !== 'string' || !input[k]);
      if (missing.length) refuse(`missing ${missing.join(', ')}`);
      if (input.ClientRequestToken !== undefined && !/^.{32,64}$/.test(input.ClientRequestToken)) refuse('ClientRequestToken must be 32 to 64 characters');
      answer = missing.length ? { status: 400, body: { __type: 'InvalidParameterException', message: `missing ${missing.join(', ')}` } } : handler(input);
    }
    res.writeHead(answer.status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: REGION,
    secrets,
    calls,
    signedRegions,
    violations,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
