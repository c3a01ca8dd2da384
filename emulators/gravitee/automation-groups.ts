/**
 * Automation API: groups (`PUT groups`, `GET/DELETE groups/{hrid}`), with APIM's import validation of members
 * (`ValidateGroupCRDDomainService`, `ValidateCRDMembersDomainService`): a member whose user the identity provider does
 * not know is dropped with a warning, a missing role gets the scope's default, an unknown role is a warning and the
 * primary owner role is refused. The state lists the members APIM kept (a set: what `GET` answers) and `memberCount`.
 */
import { collectionHandlers, type Outcome } from './automation-collection.ts';
import type { RequestContext } from './handler.ts';
import type { Json } from './store.ts';

/**
 * Users of a stock APIM's in-memory identity provider (`gravitee.yml`: user, admin, api1, application1). APIM looks
 * members up by source and source id; the emulator knows these.
 */
const MEMORY_USERS = new Set(['user', 'admin', 'api1', 'application1']);

/** Roles a stock organization has per scope; a member without a role for a scope gets the scope's default (USER). */
const ROLES: Record<string, Set<string>> = {
  API: new Set(['PRIMARY_OWNER', 'OWNER', 'USER', 'REVIEWER']),
  APPLICATION: new Set(['PRIMARY_OWNER', 'OWNER', 'USER']),
  INTEGRATION: new Set(['PRIMARY_OWNER', 'OWNER', 'USER']),
};

interface Member extends Json {
  source: string;
  sourceId: string;
  roles: Record<string, string>;
}

const isKnownUser = (m: Json): boolean => String(m.source).toLowerCase() === 'memory' && MEMORY_USERS.has(String(m.sourceId));

/** The members APIM keeps, one per user, with each scope's role (defaults filled in), and what it says about the rest. */
function sanitizedMembers(ctx: RequestContext, spec: Json): Outcome & { members: Member[] } {
  const severe: string[] = [];
  const warning: string[] = [];
  const byUser = new Map<string, Member>();
  for (const m of Array.isArray(spec.members) ? (spec.members as Json[]) : []) {
    if (!isKnownUser(m)) {
      warning.push(`member [${String(m.sourceId)}] of source [${String(m.source)}] could not be found in organization [${ctx.org}]`);
      continue;
    }
    const roles: Record<string, string> = { API: 'USER', APPLICATION: 'USER', INTEGRATION: 'USER', ...((m.roles ?? {}) as Record<string, string>) };
    for (const [scope, role] of Object.entries(roles)) {
      if (role === 'PRIMARY_OWNER') severe.push('setting a member with the primary owner role is not allowed');
      else if (ROLES[scope] && !ROLES[scope]!.has(role)) warning.push(`member role [${role}] doesn't exist`);
    }
    byUser.set(`${String(m.source).toLowerCase()}/${String(m.sourceId)}`, { source: String(m.source), sourceId: String(m.sourceId), roles });
  }
  return { severe, warning, members: [...byUser.values()] };
}

export const automationGroups = collectionHandlers({
  collection: 'groups',
  operations: { upsert: 'createOrUpdateGroup', get: 'getGroup', remove: 'deleteGroup' },
  validate: (ctx, spec) => {
    const { severe, warning } = sanitizedMembers(ctx, spec);
    return { severe, warning };
  },
  extend: (ctx, spec) => {
    const { members } = sanitizedMembers(ctx, spec);
    return { notifyMembers: spec.notifyMembers ?? true, members, memberCount: members.length };
  },
});
