import { createHash } from 'node:crypto';

/** RFC 4122's DNS namespace, which the gateway names its policy ids in. */
const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/**
 * The id APIM knows a gateway policy by: a name-based UUID of `apim:policy:<name>:<version>` in the DNS namespace, as
 * the gateway computes it, so APIM sees the same id whichever of the two imported the API.
 */
export const policyUuid = (name: string, version: string) => nameBasedUuid(DNS_NAMESPACE, `apim:policy:${name}:${version}`);

/** A version 5 (SHA-1, name-based) UUID, RFC 4122 §4.3. */
export function nameBasedUuid(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(ns).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
