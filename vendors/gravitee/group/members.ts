import { isSubset } from '../../../shared/engine/status-patch.ts';

type Json = Record<string, unknown>;

export interface Member {
  source: string;
  sourceId: string;
  roles?: Record<string, string>;
}

const keyOf = (m: Json): string => `${String(m.source).toLowerCase()}/${String(m.sourceId)}`;

/** One entry per user, roles merged in order (APIM keeps one membership per user and scope). */
function distinctMembers(members: Member[]): Map<string, Member> {
  const byUser = new Map<string, Member>();
  for (const m of members) {
    const prev = byUser.get(keyOf(m as unknown as Json));
    byUser.set(keyOf(m as unknown as Json), { source: m.source, sourceId: m.sourceId, roles: { ...prev?.roles, ...m.roles } });
  }
  return byUser;
}

/**
 * Whether APIM's members are the desired ones. APIM answers them as a set (any order), drops a member whose user its
 * identity providers do not know and gives a member the scope's default role where none is named. So APIM's members
 * are in step when each is desired and holds the desired roles, and at least as many desired members are there as the
 * last import kept (`kept`, the status' member count): fewer means one was removed in the console.
 */
export function membersInStep(desired: Member[], actual: unknown, kept: number): boolean {
  const wanted = distinctMembers(desired);
  let present = 0;
  for (const m of Array.isArray(actual) ? (actual as Json[]) : []) {
    const want = wanted.get(keyOf(m));
    if (!want || !isSubset(want.roles ?? {}, m.roles ?? {})) return false;
    present++;
  }
  return present >= kept;
}
