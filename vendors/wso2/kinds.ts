import type { KindDefinition } from '../../shared/engine/kind.ts';
import { apiGatewayKind } from './api-gateway/kind.ts';
import { apiKeyKind } from './api-key/kind.ts';
import { certificateKind } from './certificate/kind.ts';
import { llmProviderTemplateKind } from './llm-provider-template/kind.ts';
import { llmProviderKind } from './llm-provider/kind.ts';
import { llmProxyKind } from './llm-proxy/kind.ts';
import { managedSecretKind } from './managed-secret/kind.ts';
import { mcpKind } from './mcp/kind.ts';
import { restApiKind } from './rest-api/kind.ts';
import { subscriptionPlanKind } from './subscription-plan/kind.ts';
import { subscriptionKind } from './subscription/kind.ts';

/** WSO2 API Platform, as the gateway operator's gateway.api-platform.wso2.com kinds. */
export const wso2Kinds: KindDefinition<any>[] = [
  apiGatewayKind,
  restApiKind,
  apiKeyKind,
  subscriptionPlanKind,
  subscriptionKind,
  certificateKind,
  managedSecretKind,
  llmProviderTemplateKind,
  llmProviderKind,
  llmProxyKind,
  mcpKind,
];
