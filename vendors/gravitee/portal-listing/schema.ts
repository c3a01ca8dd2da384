import { z } from 'zod';
import { ApiV4Ref, NavigationLocation, PortalRef } from '../portal/child-schema.ts';

export const PortalListingSpec = z.looseObject({
  portalRef: PortalRef,
  apis: z
    .array(z.looseObject({ ref: ApiV4Ref, location: NavigationLocation, order: z.number().int().optional() }), { error: 'Required' })
    .min(1, 'at least one API is required'),
});
export type PortalListingSpec = z.infer<typeof PortalListingSpec>;
