/** Identifiers and key material the gateway controller issues. */
import { createHash, randomBytes } from 'node:crypto';

/** UUID version 7 (time-ordered), as `uuid.NewV7()` issues them for artifacts, keys and certificates. */
export function uuidV7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^(urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** Whether `uuid.Parse` accepts the text (hyphenated, braced, urn or 32 hex digits). */
export const isUuid = (s: string): boolean => UUID.test(s);

/** `apip_` + 32 random bytes in hex: a key the gateway generates. */
export const generateApiKey = (): string => 'apip_' + randomBytes(32).toString('hex');

/** Keys are stored as the hex SHA-256 of the trimmed value, never in plain text. */
export const hashApiKey = (plain: string): string => createHash('sha256').update(plain.trim()).digest('hex');

/** `***` + the last five characters (`********` for five or fewer). */
export const maskApiKey = (plain: string): string => (plain.length <= 5 ? '********' : '***' + plain.slice(-5));

/** 22 URL-safe characters (16 random bytes, base64url, `_` → `~`), the key's short id. */
export const shortId = (): string => randomBytes(16).toString('base64url').replace(/_/g, '~');

/** Subscription tokens are stored as their SHA-256 only. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
