import { z } from 'zod';
import { NavigationLocation, PortalRef } from '../portal/child-schema.ts';

export const PortalLinkSpec = z.looseObject({
  portalRef: PortalRef,
  name: z.string({ error: 'Required' }).trim().min(1, 'Required'),
  // APIM takes an absolute URL only (its LinkUrlValidator); said here, naming the field, rather than by its 400.
  href: z
    .string({ error: 'Required' })
    .trim()
    .refine((href) => !/\s/.test(href) && URL.canParse(href), 'must be an absolute URL (https://…)'),
  location: NavigationLocation.optional(),
  order: z.number().int().optional(),
});
export type PortalLinkSpec = z.infer<typeof PortalLinkSpec>;
