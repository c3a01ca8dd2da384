import { z } from 'zod';

const PublicURL = z.string().regex(/^https?:\/\/.*$/, 'must be an http(s) URL');

/** Where an OpenAPI document is: a Secret (its one key) or a URL with a host. The ActiveDoc kind takes it too. */
export const OpenAPIDocumentRef = z
  .looseObject({
    secretRef: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }).optional(),
    url: z.string().regex(/^https?:\/\/.+$/, 'must be an http(s) URL').optional(),
  })
  .refine((r) => !!r.secretRef !== !!r.url, 'exactly one of secretRef and url');

/**
 * The 3scale operator's OpenAPI spec (capabilities.3scale.net/v1beta1): where the document is, and what the import
 * overrides. `oidc` is passed to the generated Product, whose schema checks it.
 */
export const OpenAPISpec = z.looseObject({
  openapiRef: OpenAPIDocumentRef,
  providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  productionPublicBaseURL: PublicURL.optional(),
  stagingPublicBaseURL: PublicURL.optional(),
  productSystemName: z.string().min(1).optional(),
  privateBaseURL: z.string().regex(/^(https?|wss?):\/\/.+$/, 'must be an http(s) or ws(s) URL').optional(),
  prefixMatching: z.boolean().optional(),
  privateAPIHostHeader: z.string().optional(),
  privateAPISecretToken: z.string().optional(),
  oidc: z.looseObject({ issuerType: z.enum(['keycloak', 'rest']) }).optional(),
});
export type OpenAPISpec = z.output<typeof OpenAPISpec>;
