import { z } from 'zod';
import { ApiV4Ref, NavigationLocation, PortalRef } from '../portal/child-schema.ts';

const PAGE_TYPES = ['GRAVITEE_MARKDOWN', 'OPENAPI', 'ASYNCAPI'] as const;
const PAGE_AREAS = ['TOP_NAVBAR', 'HOMEPAGE'] as const;

export const DocumentationSpec = z
  .looseObject({
    name: z.string({ error: 'Required' }).min(1, 'Required'),
    type: z.enum(PAGE_TYPES),
    content: z.string({ error: 'Required' }),
    location: NavigationLocation.optional(),
    order: z.number().int().optional(),
    /** Portal pages only; TOP_NAVBAR when unset (APIM's default). HOMEPAGE replaces the portal's homepage. */
    area: z.enum(PAGE_AREAS).optional(),
    portalRef: PortalRef.optional(),
    apiRef: ApiV4Ref.optional(),
  })
  .superRefine((spec, ctx) => {
    if (!spec.portalRef === !spec.apiRef) {
      const which = spec.portalRef ? 'both were provided' : 'neither was provided';
      ctx.addIssue({ code: 'custom', path: [], message: `exactly one of portalRef / apiRef must be set, but ${which}` });
    }
    // APIM refuses any other area on an API's page: its pages are in its top navbar.
    if (spec.apiRef && spec.area && spec.area !== 'TOP_NAVBAR') {
      ctx.addIssue({ code: 'custom', path: ['area'], message: `${spec.area} is for a portal's pages only (an API's pages are in its top navbar)` });
    }
  });
export type DocumentationSpec = z.infer<typeof DocumentationSpec>;
