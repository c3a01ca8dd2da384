import { createHash } from 'node:crypto';

/** Java's UUID.nameUUIDFromBytes (MD5, version 3, no namespace): how APIM turns hrids into ids. */
export function nameUuid(name: string): string {
  const b = createHash('md5').update(name, 'utf8').digest();
  b[6] = (b[6] & 0x0f) | 0x30;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
