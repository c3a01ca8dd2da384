import { z } from 'zod';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { OpenAPIDocumentRef } from '../openapi/schema.ts';
import { nameOf } from '../references.ts';

/** The operator's ActiveDoc default system name: the name without non-alphanumerics, lower-cased. */
const activeDocSystemName = (name: string): string => name.replace(/[^a-zA-Z0-9]+/g, '').toLowerCase();

/**
 * The 3scale operator's ActiveDoc spec (capabilities.3scale.net/v1beta1): the OpenAPI document from a Secret or a URL.
 * Also what the operator's guide writes (§8.7.3): the document under the OpenAPI kind's `openapiRef`, and no `name`
 * (the resource's name then), which our CRD accepts too (infra/crds/generate.ts ACTIVEDOC_EXTENSION).
 */
export const ActiveDocSpec = z
  .looseObject({
    name: z.string().min(1).optional(),
    systemName: z.string().regex(/^[a-z0-9]+$/, 'only lower-case letters and digits').optional(),
    description: z.string().optional(),
    activeDocOpenAPIRef: OpenAPIDocumentRef.optional(),
    openapiRef: OpenAPIDocumentRef.optional(),
    productSystemName: z.string().optional(),
    published: z.boolean().optional(),
    skipSwaggerValidations: z.boolean().optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .superRefine((spec, ctx) => {
    if (!!spec.activeDocOpenAPIRef === !!spec.openapiRef) {
      ctx.addIssue({ code: 'custom', path: ['activeDocOpenAPIRef'], message: 'required: the OpenAPI document (or the guide\'s spec.openapiRef), not both' });
    }
  })
  .transform((spec) => ({
    ...spec,
    published: spec.published ?? false,
    skipSwaggerValidations: spec.skipSwaggerValidations ?? false,
  }));
export type ActiveDocSpec = z.output<typeof ActiveDocSpec>;

/** The document's name in 3scale (`spec.name`, else the resource's) and its identity, the system name. */
export function activeDocIdentity(object: KubeObject, spec: { name?: unknown; systemName?: unknown }): { name: string; systemName: string } {
  const name = nameOf(spec.name) ?? object.metadata.name;
  return { name, systemName: nameOf(spec.systemName) ?? activeDocSystemName(name) };
}
