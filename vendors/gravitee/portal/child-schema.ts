/** Schema pieces of what hangs under a Portal (listings, links, pages): references to it and to APIs, navigation places. */
import { z } from 'zod';

/** As GKO reads a reference's kind: any case, with or without the plural's `s`. */
const isApiV4Kind = (kind: string | undefined): boolean => !kind || kind.toLowerCase().replace(/s$/, '') === 'apiv4definition';

/** A reference to an API from a listing or a page: the next-gen portal takes v4 APIs only (GKO's admission). */
export const ApiV4Ref = z
  .looseObject({ name: z.string({ error: 'Required' }).min(1, 'Required'), namespace: z.string().optional(), kind: z.string().optional() })
  .refine((ref) => isApiV4Kind(ref.kind), { path: ['kind'], message: 'must be ApiV4Definition (the next-gen portal takes v4 APIs only)' });

/** A reference to a Portal. */
export const PortalRef = z.looseObject({ name: z.string({ error: 'Required' }).min(1, 'Required'), namespace: z.string().optional() });

/** A place in a portal's navigation: a slash-separated path (the CRDs' pattern). */
export const NavigationLocation = z.string().regex(/^\//, 'must start with /');
