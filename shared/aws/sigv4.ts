import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** Credentials as the AWS SDK's providers return them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials stop working. */
  expiration?: Date;
}

/** Current credentials; a provider refreshes temporary ones before they expire (credentials.ts). */
export type CredentialSource = () => Promise<AwsCredentials>;

/** A request to sign: the URL as it will be sent (path and query included), its headers and body. */
export interface AwsRequest {
  method: string;
  url: URL;
  /** Signed as given; `host` and `x-amz-date` are added. */
  headers?: Record<string, string>;
  body?: string;
}

export interface SigV4Signer {
  /** The headers to send, `authorization`, `host`, `x-amz-date` (and `x-amz-security-token`) included. */
  sign(req: AwsRequest, at?: Date): Promise<Record<string, string>>;
  /**
   * The URL with the signature in its query (what `aws eks get-token` hands Kubernetes, an STS GetCallerIdentity
   * request): `x-amz-*` headers and the session token move to the query; other headers stay signed and must be sent.
   */
  presign(req: AwsRequest, expiresInSeconds: number, at?: Date): Promise<URL>;
}

/**
 * AWS Signature Version 4 with AWS's own signer (`@smithy/signature-v4`, the AWS SDK's), hashed by node:crypto.
 * The path is signed as sent, encoded again as non-S3 services expect; no `x-amz-content-sha256` header is added
 * (only S3 wants it), so requests sign exactly as in AWS's published SigV4 test suite.
 */
export function sigV4Signer(o: { region: string; service: string; credentials: CredentialSource | AwsCredentials }): SigV4Signer {
  const signer = new SignatureV4({ region: o.region, service: o.service, credentials: o.credentials, sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
  return {
    async sign(req, at) {
      const signed = await signer.sign(httpRequest(req), { signingDate: at ?? new Date() });
      return signed.headers;
    },
    async presign(req, expiresInSeconds, at) {
      const signed = await signer.presign(httpRequest(req), { expiresIn: expiresInSeconds, signingDate: at ?? new Date() });
      const url = new URL(req.url);
      url.search = Object.entries(signed.query ?? {})
        .flatMap(([k, v]) => (Array.isArray(v) ? v : [v ?? '']).map((x) => `${rfc3986(k)}=${rfc3986(x)}`))
        .join('&');
      return url;
    },
  };
}

/** The SDK's request shape: query decoded (the signer encodes it canonically), `host` as it will be sent. */
function httpRequest(req: AwsRequest) {
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of req.url.searchParams) {
    const had = query[k];
    query[k] = had === undefined ? v : [...(Array.isArray(had) ? had : [had]), v];
  }
  return {
    method: req.method,
    protocol: req.url.protocol,
    hostname: req.url.hostname,
    port: req.url.port ? Number(req.url.port) : undefined,
    path: req.url.pathname,
    query,
    headers: { ...req.headers, host: req.url.host },
    body: req.body,
  };
}

/** Percent-encoding as SigV4 canonicalises it, so the URL sent is the one signed. */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
