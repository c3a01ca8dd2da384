/**
 * The deterministic UUIDv7 etags platform-api puts on what it lists (`utils/common.go`), so that a redelivered
 * list entry and the WebSocket event about the same change carry the same id.
 */
import { createHash } from 'node:crypto';

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

function uuidString(b: Buffer): string {
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** `GenerateDeterministicUUIDv7(entityID, ts)`: 48-bit millisecond timestamp, then bits of sha256(entityID). */
export function deterministicUuidV7(entityId: string, at: Date): string {
  const b = Buffer.alloc(16);
  b.writeUIntBE(at.getTime(), 0, 6);
  sha256(entityId).copy(b, 6, 0, 10);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return uuidString(b);
}

/** `APIKeyETag(artifactUUID, name, updatedAt)`: sha256 of `artifact:name:unixNano`, stamped version 7. */
export function apiKeyEtag(artifactId: string, name: string, updatedAt: Date): string {
  const nanos = BigInt(updatedAt.getTime()) * 1_000_000n;
  const b = sha256(`${artifactId}:${name}:${nanos}`).subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return uuidString(b);
}
