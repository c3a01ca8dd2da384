import { readFileSync } from 'node:fs';
import type { AwsCredentials } from './aws-sigv4.ts';
import { httpCall } from './http-call.ts';

/** Current credentials; temporary ones are fetched again five minutes before they expire. */
export type CredentialSource = () => Promise<AwsCredentials>;

/**
 * The credential sources a pod uses, in the AWS SDK's order: environment variables, IRSA (web identity token file and
 * role ARN, exchanged with STS), EKS Pod Identity / ECS (the container credentials endpoint), then the node's
 * instance profile (IMDSv2). Profiles and SSO are not read; SQS_TRANSPORT=sdk uses the SDK's full chain instead.
 */
export function defaultCredentials(region: string, env: Record<string, string | undefined> = process.env): CredentialSource {
  const load = pickSource(region, env);
  let cached: AwsCredentials | undefined;
  let loading: Promise<AwsCredentials> | undefined;
  return async () => {
    if (cached && (!cached.expiration || cached.expiration.getTime() - Date.now() > 5 * 60_000)) return cached;
    loading ??= load().then(
      (c) => {
        cached = c;
        loading = undefined;
        return c;
      },
      (err) => {
        loading = undefined;
        throw err;
      },
    );
    return loading;
  };
}

function pickSource(region: string, env: Record<string, string | undefined>): () => Promise<AwsCredentials> {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    const creds = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    return async () => creds;
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) {
    const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE;
    const roleArn = env.AWS_ROLE_ARN;
    const session = env.AWS_ROLE_SESSION_NAME || `apim-sync-watcher-${Date.now()}`;
    const sts = env.AWS_STS_ENDPOINT || `https://sts.${region}.amazonaws.com/`;
    return () => assumeRoleWithWebIdentity(sts, roleArn, session, readFileSync(tokenFile, 'utf8').trim());
  }
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI || (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ? `http://169.254.170.2${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}` : undefined);
  if (full) {
    return () => {
      const token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ? readFileSync(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, 'utf8').trim() : env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
      return containerCredentials(full, token);
    };
  }
  if (env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === 'true') {
    return async () => {
      throw new Error('no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, use IRSA or EKS Pod Identity, or SQS_TRANSPORT=sdk');
    };
  }
  return () => instanceCredentials(env.AWS_EC2_METADATA_SERVICE_ENDPOINT || 'http://169.254.169.254');
}

/** The node's instance profile through IMDSv2 (session token first), the SDK chain's last resort. */
async function instanceCredentials(base: string): Promise<AwsCredentials> {
  const url = (path: string) => new URL(path, base);
  const token = await httpCall(url('/latest/api/token'), { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' }, timeoutMs: 2_000 });
  if (token.status !== 200) throw new Error(`no AWS credentials: instance metadata answered HTTP ${token.status} (set AWS credentials, IRSA or EKS Pod Identity)`);
  const headers = { 'x-aws-ec2-metadata-token': token.text };
  const role = await httpCall(url('/latest/meta-data/iam/security-credentials/'), { headers, timeoutMs: 2_000 });
  const name = role.text.split('\n')[0]?.trim();
  if (role.status !== 200 || !name) throw new Error('no AWS credentials: the instance has no IAM role');
  const { status, text } = await httpCall(url(`/latest/meta-data/iam/security-credentials/${encodeURIComponent(name)}`), { headers, timeoutMs: 2_000 });
  return parseCredentialDocument(status, text, 'instance metadata');
}

async function assumeRoleWithWebIdentity(endpoint: string, roleArn: string, session: string, token: string): Promise<AwsCredentials> {
  const body = new URLSearchParams({ Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: roleArn, RoleSessionName: session, WebIdentityToken: token });
  const { status, text: xml } = await httpCall(endpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });
  const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  if (status !== 200 || !tag('AccessKeyId')) throw new Error(`STS AssumeRoleWithWebIdentity failed with HTTP ${status}: ${tag('Code') ?? ''} ${tag('Message') ?? ''}`.trim());
  return { accessKeyId: tag('AccessKeyId') as string, secretAccessKey: tag('SecretAccessKey') ?? '', sessionToken: tag('SessionToken'), expiration: expiry(tag('Expiration')) };
}

async function containerCredentials(url: string, token: string | undefined): Promise<AwsCredentials> {
  const { status, text } = await httpCall(url, { headers: token ? { Authorization: token } : {}, timeoutMs: 5_000 });
  return parseCredentialDocument(status, text, 'container credentials endpoint');
}

/** The JSON both the container endpoint and instance metadata answer. */
function parseCredentialDocument(status: number, text: string, source: string): AwsCredentials {
  if (status !== 200) throw new Error(`${source} answered HTTP ${status}`);
  const c = JSON.parse(text) as { AccessKeyId?: string; SecretAccessKey?: string; Token?: string; Expiration?: string };
  if (!c.AccessKeyId || !c.SecretAccessKey) throw new Error(`${source} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.Token, expiration: expiry(c.Expiration) };
}

function expiry(s: string | undefined): Date | undefined {
  const d = s ? new Date(s) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}
