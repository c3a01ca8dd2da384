/**
 * Ids as APIM derives them from HRIDs (APIM `HRIDToUUID` / `UuidString.generateFrom`): the seeds are
 * concatenated and hashed with Java's `UUID.nameUUIDFromBytes` (MD5, version 3, no namespace).
 */
import { createHash } from 'node:crypto';

/** Java `UUID.nameUUIDFromBytes(seeds.join('').getBytes(UTF_8)).toString()`. */
export function nameUuid(...seeds: string[]): string {
  const b = createHash('md5').update(seeds.join(''), 'utf8').digest();
  b[6] = (b[6]! & 0x0f) | 0x30;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface TopLevelIds {
  id: string;
  crossId: string;
}

/** APIs, applications, groups, shared policy groups: `crossId = v3(org + hrid)`, `id = v3(crossId + env)`. */
export function topLevelIds(orgId: string, envId: string, hrid: string): TopLevelIds {
  const crossId = nameUuid(orgId, hrid);
  return { crossId, id: nameUuid(crossId, envId) };
}

/** Plans and pages of an API: `id = v3(apiCrossId + env + hrid)`, `crossId = v3(apiCrossId + hrid)`. */
export function apiSubResourceIds(orgId: string, envId: string, apiHrid: string, hrid: string): TopLevelIds {
  const apiCrossId = nameUuid(orgId, apiHrid);
  return { id: nameUuid(apiCrossId, envId, hrid), crossId: nameUuid(apiCrossId, hrid) };
}

export const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
