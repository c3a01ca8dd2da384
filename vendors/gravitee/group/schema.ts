import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

const Member = z.looseObject({
  source: z.string({ error: 'Required (the identity provider, e.g. memory or gravitee)' }).min(1, 'Required'),
  sourceId: z.string({ error: 'Required (the user in that identity provider)' }).min(1, 'Required'),
  roles: z
    .partialRecord(z.enum(['API', 'APPLICATION', 'INTEGRATION'], { error: 'must be API, APPLICATION or INTEGRATION' }), z.string())
    .optional()
    .superRefine((roles, ctx) => {
      // APIM refuses it on import (a group's members may not own what the group is given to).
      for (const [scope, role] of Object.entries(roles ?? {})) {
        if (role === 'PRIMARY_OWNER') ctx.addIssue({ code: 'custom', path: [scope], message: 'PRIMARY_OWNER cannot be given to a group member' });
      }
    }),
});

/** GKO's Group: a name and members with their role per scope. */
export const GroupSpec = z.looseObject({
  contextRef: ContextRef.optional(),
  id: z.string().optional(),
  hrid: z.string().optional(),
  name: z.string({ error: 'Required' }).min(1, 'Required').max(512),
  notifyMembers: z.boolean().optional(),
  members: z.array(Member, { error: 'Required (a list, possibly empty)' }),
});
export type GroupSpec = z.infer<typeof GroupSpec>;
