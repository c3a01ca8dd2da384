import type { AwsCredentials, CredentialSource } from '../aws/sigv4.ts';

/** What EKS (aws-iam-authenticator) expects before the base64url of the presigned URL. */
export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** The header that binds a token to one cluster; signed, so a token for one cluster is refused by another. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** EKS accepts a token for 15 minutes from its X-Amz-Date whatever X-Amz-Expires says; `aws eks get-token` reports 14. */
const TOKEN_LIFETIME_MS = 14 * 60_000;
/** Temporary credentials end the token's life with them: a new one is signed this long before. */
const CREDENTIALS_MARGIN_MS = 60_000;

export interface EksTokenOptions {
  /** The EKS cluster's name, as in `aws eks get-token --cluster-name`. */
  cluster: string;
  region: string;
  /** The function's own credentials (its role, through the SDK's default chain). */
  credentials: CredentialSource;
  /** Injected in tests. */
  now?: () => Date;
}

/** STS's regional endpoint, as `aws eks get-token` uses (China regions have their own domain). */
export function stsHost(region: string): string {
  return `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * One token, as `aws eks get-token` makes it: an STS GetCallerIdentity request presigned with the caller's
 * credentials and the cluster's name in a signed header, which EKS replays to STS to learn who calls.
 */
export async function signEksToken(o: { cluster: string; region: string; credentials: AwsCredentials; at: Date }): Promise<string> {
  const url = new URL(`https://${stsHost(o.region)}/?Action=GetCallerIdentity&Version=2011-06-15`);
  // Loaded on first signing: registries without EKS entries keep the signer out of the cold start.
  const { sigV4Signer } = await import('../aws/sigv4.ts');
  const signer = sigV4Signer({ region: o.region, service: 'sts', credentials: o.credentials });
  const presigned = await signer.presign({ method: 'GET', url, headers: { [CLUSTER_ID_HEADER]: o.cluster } }, 60, o.at);
  return EKS_TOKEN_PREFIX + Buffer.from(presigned.toString(), 'utf8').toString('base64url');
}

/**
 * Bearer tokens for one EKS cluster, signed when first asked and again before they expire: 14 minutes after signing,
 * or a minute before the credentials that signed it expire, whichever is first. Kept in memory only; concurrent
 * callers share one signing.
 */
export function eksTokenSource(o: EksTokenOptions): () => Promise<string> {
  const now = o.now ?? (() => new Date());
  let current: { token: Promise<string>; until: number } | undefined;
  return async () => {
    const at = now();
    if (current && at.getTime() < current.until) return current.token;
    const next = { token: Promise.resolve(''), until: Number.POSITIVE_INFINITY };
    next.token = (async () => {
      const credentials = await o.credentials();
      const expires = credentials.expiration ? credentials.expiration.getTime() - CREDENTIALS_MARGIN_MS : Number.POSITIVE_INFINITY;
      next.until = Math.min(at.getTime() + TOKEN_LIFETIME_MS, expires);
      return signEksToken({ cluster: o.cluster, region: o.region, credentials, at });
    })();
    current = next;
    // A failed signing (no credentials yet) is not kept: the next call tries again.
    next.token.catch(() => {
      if (current === next) current = undefined;
    });
    return next.token;
  };
}
