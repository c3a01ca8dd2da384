/**
 * The policies a gateway image has installed, by name and major version: the default build's
 * (`gateway/build.yaml` of wso2/api-platform @1c23c350). A custom image has others — see the `policies`
 * option.
 */

export interface InstalledPolicy {
  name: string;
  /** Major version, `v1`. */
  version: string;
}

const DEFAULT_BUILD: [string, string][] = [
  ['advanced-ratelimit', 'v1'],
  ['analytics-header-filter', 'v1'],
  ['api-key-auth', 'v1'],
  ['aws-authentication', 'v0'],
  ['aws-bedrock-guardrail', 'v1'],
  ['azure-content-safety-content-moderation', 'v1'],
  ['backend-jwt', 'v1'],
  ['basic-auth', 'v1'],
  ['basic-ratelimit', 'v1'],
  ['content-length-guardrail', 'v1'],
  ['cors', 'v1'],
  ['dynamic-endpoint', 'v1'],
  ['granite-guardian-prompt-injection', 'v0'],
  ['host-rewrite', 'v1'],
  ['interceptor-service', 'v1'],
  ['json-schema-guardrail', 'v1'],
  ['json-xml-mediator', 'v1'],
  ['jwt-auth', 'v1'],
  ['llm-cost', 'v1'],
  ['llm-cost-based-ratelimit', 'v1'],
  ['llm-header-router', 'v0'],
  ['log-message', 'v1'],
  ['mcp-acl-list', 'v1'],
  ['mcp-auth', 'v1'],
  ['mcp-authz', 'v1'],
  ['mcp-ratelimit', 'v1'],
  ['mcp-rewrite', 'v1'],
  ['model-round-robin', 'v1'],
  ['model-weighted-round-robin', 'v1'],
  ['nvidia-nemoguard-content-safety', 'v0'],
  ['opaque-token-auth', 'v1'],
  ['openai-to-anthropic-transformer', 'v0'],
  ['openai-to-azure-openai-transformer', 'v0'],
  ['openai-to-bedrock-transformer', 'v0'],
  ['openai-to-gemini-transformer', 'v0'],
  ['openai-to-mistral-transformer', 'v0'],
  ['pii-masking-regex', 'v1'],
  ['prompt-compressor', 'v0'],
  ['prompt-decorator', 'v1'],
  ['prompt-template', 'v1'],
  ['redirect', 'v0'],
  ['regex-guardrail', 'v1'],
  ['remove-headers', 'v1'],
  ['request-rewrite', 'v1'],
  ['respond', 'v1'],
  ['semantic-cache', 'v1'],
  ['semantic-prompt-guard', 'v1'],
  ['semantic-tool-filtering', 'v1'],
  ['sentence-count-guardrail', 'v1'],
  ['set-headers', 'v1'],
  ['subscription-validation', 'v1'],
  ['token-based-ratelimit', 'v1'],
  ['url-guardrail', 'v1'],
  ['word-count-guardrail', 'v1'],
];

export const DEFAULT_POLICIES: InstalledPolicy[] = DEFAULT_BUILD.map(([name, version]) => ({ name, version }));
