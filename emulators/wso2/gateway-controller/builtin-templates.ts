/**
 * The LLM provider templates a gateway ships (`gateway-controller/default-llm-provider-templates`), so
 * providers can name `openai`, `anthropic`… as on a real gateway. Token and model extraction as shipped;
 * per-resource mappings left out.
 */
import { uuidV7 } from './ids.ts';
import { now, type Resource, type StoredTemplate } from './store.ts';

type Extraction = [location: string, identifier: string];

interface Shipped {
  handle: string;
  displayName: string;
  prompt: Extraction;
  completion: Extraction;
  total?: Extraction;
  remaining?: Extraction;
  model: Extraction;
}

const payload = (identifier: string): Extraction => ['payload', identifier];
const RATE_HEADER: Extraction = ['header', 'x-ratelimit-remaining-tokens'];

const SHIPPED: Shipped[] = [
  { handle: 'openai', displayName: 'OpenAI', prompt: payload('$.usage.prompt_tokens'), completion: payload('$.usage.completion_tokens'), total: payload('$.usage.total_tokens'), remaining: RATE_HEADER, model: payload('$.model') },
  { handle: 'anthropic', displayName: 'Anthropic', prompt: payload('$.usage.input_tokens'), completion: payload('$.usage.output_tokens'), remaining: ['header', 'anthropic-ratelimit-tokens-remaining'], model: payload('$.model') },
  { handle: 'awsbedrock', displayName: 'AWS Bedrock', prompt: payload('$.usage.inputTokens'), completion: payload('$.usage.outputTokens'), total: payload('$.usage.totalTokens'), model: ['pathParam', 'model/([A-Za-z0-9.:-]+)/'] },
  { handle: 'azureai-foundry', displayName: 'Azure AI Foundry', prompt: payload('$.usage.prompt_tokens'), completion: payload('$.usage.completion_tokens'), total: payload('$.usage.total_tokens'), remaining: RATE_HEADER, model: payload('$.model') },
  { handle: 'azure-openai', displayName: 'Azure OpenAI', prompt: payload('$.usage.prompt_tokens'), completion: payload('$.usage.completion_tokens'), total: payload('$.usage.total_tokens'), remaining: RATE_HEADER, model: payload('$.model') },
  { handle: 'gemini', displayName: 'Gemini', prompt: payload('$.usageMetadata.promptTokenCount'), completion: payload('$.usageMetadata.candidatesTokenCount'), total: payload('$.usageMetadata.totalTokenCount'), remaining: RATE_HEADER, model: ['pathParam', '(?<=models/)[a-zA-Z0-9.\\-]+'] },
  { handle: 'mistralai', displayName: 'MistralAI', prompt: payload('$.usage.prompt_tokens'), completion: payload('$.usage.completion_tokens'), total: payload('$.usage.total_tokens'), remaining: RATE_HEADER, model: payload('$.model') },
];

const extraction = ([location, identifier]: Extraction) => ({ location, identifier });

export function builtInTemplates(): StoredTemplate[] {
  const at = now();
  return SHIPPED.map((t) => {
    const resource: Resource = {
      apiVersion: 'gateway.api-platform.wso2.com/v1',
      kind: 'LlmProviderTemplate',
      metadata: { name: t.handle },
      spec: {
        displayName: t.displayName,
        groupId: `wso2-${t.handle}`,
        managedBy: 'wso2',
        version: 'v1.0',
        promptTokens: extraction(t.prompt),
        completionTokens: extraction(t.completion),
        ...(t.total ? { totalTokens: extraction(t.total) } : {}),
        ...(t.remaining ? { remainingTokens: extraction(t.remaining) } : {}),
        requestModel: extraction(t.model),
        responseModel: extraction(t.model),
      },
    };
    return { uuid: uuidV7(), handle: t.handle, resource, builtIn: true, createdAt: at, updatedAt: at };
  });
}
