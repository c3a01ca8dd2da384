import { z } from 'zod';

/** The 3scale operator's CustomPolicyDefinition spec (capabilities.3scale.net/v1beta1): an APIcast policy manifest. */
export const CustomPolicyDefinitionSpec = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  schema: z.looseObject({
    name: z.string().min(1),
    version: z.string().min(1),
    summary: z.string().min(1),
    description: z.array(z.string()).optional(),
    $schema: z.string().min(1),
    configuration: z.record(z.string(), z.unknown()),
  }),
  providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
});
export type CustomPolicyDefinitionSpec = z.output<typeof CustomPolicyDefinitionSpec>;
