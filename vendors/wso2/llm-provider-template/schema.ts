import { z } from 'zod';

const Extraction = z.looseObject({ identifier: z.string(), location: z.enum(['header', 'pathParam', 'payload', 'queryParam']) });
const Extractions = {
  promptTokens: Extraction.optional(),
  completionTokens: Extraction.optional(),
  totalTokens: Extraction.optional(),
  remainingTokens: Extraction.optional(),
  requestModel: Extraction.optional(),
  responseModel: Extraction.optional(),
};

/** The gateway operator's LlmProviderTemplate spec: where a provider's token counts and models are found. */
export const LlmProviderTemplateSpec = z.looseObject({
  displayName: z.string().min(1),
  ...Extractions,
  resourceMappings: z.looseObject({ resources: z.array(z.looseObject({ resource: z.string(), ...Extractions })).optional() }).optional(),
});
export type LlmProviderTemplateSpec = z.output<typeof LlmProviderTemplateSpec>;
