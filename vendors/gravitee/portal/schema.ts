import { z } from 'zod';
import { ContextRef } from '../management-context/schema.ts';

/** A navigation node: a slash-separated path (intermediate folders are implied), as the CRD's pattern requires. */
const NavigationPath = z.looseObject({
  path: z.string().regex(/^\//, 'must start with /'),
  displayName: z.string().optional(),
  /** GKO's deprecated navigation only; APIM orders nodes by their position in the list. */
  order: z.number().int().optional(),
});

export const PortalSpec = z
  .looseObject({
    contextRef: ContextRef.optional(),
    name: z.string({ error: 'Required' }).min(1, 'Required'),
    structure: z.looseObject({ topNavbar: z.array(NavigationPath).optional() }).optional(),
    /** Deprecated: `structure.topNavbar` replaces it. */
    navigation: z.array(NavigationPath).optional(),
  })
  .superRefine((spec, ctx) => {
    // GKO's admission and controller both refuse a Portal without a context (IllegalStateError, never retried).
    if (!spec.contextRef) ctx.addIssue({ code: 'custom', path: ['contextRef'], message: 'Required (a Portal is synced through a ManagementContext)' });
    if (spec.navigation?.length && spec.structure) {
      ctx.addIssue({ code: 'custom', path: ['navigation'], message: 'navigation and structure cannot be used at the same time (navigation is deprecated: use structure.topNavbar)' });
    }
  });
export type PortalSpec = z.infer<typeof PortalSpec>;
