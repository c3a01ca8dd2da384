/** Every operation of the management API, by operationId. */
import { apiKeyOperations } from './api-keys.ts';
import { certificateOperations } from './certificates.ts';
import type { Operation } from './context.ts';
import { templateOperations } from './llm-provider-templates.ts';
import { llmProviderOperations } from './llm-providers.ts';
import { llmProxyOperations } from './llm-proxies.ts';
import { mcpProxyOperations } from './mcp-proxies.ts';
import { restApiOperations } from './rest-apis.ts';
import { secretOperations } from './secrets.ts';
import { subscriptionPlanOperations } from './subscription-plans.ts';
import { subscriptionOperations } from './subscriptions.ts';

export const OPERATIONS: Record<string, Operation> = {
  ...restApiOperations,
  ...apiKeyOperations,
  ...subscriptionPlanOperations,
  ...subscriptionOperations,
  ...certificateOperations,
  ...mcpProxyOperations,
  ...templateOperations,
  ...llmProviderOperations,
  ...llmProxyOperations,
  ...secretOperations,
};
