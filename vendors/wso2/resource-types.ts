import { registerResourceType, type ResourceType } from '../../shared/kube/resources.ts';

/** The WSO2 API Platform gateway operator's group. Its CRDs serve v1 (storage) and v1alpha1 with one schema. */
export const WSO2_GROUP = 'gateway.api-platform.wso2.com';
/** The storage version: what the watcher lists and what the sync function reads (a v1alpha1 object is served as v1). */
export const WSO2_API_VERSION = `${WSO2_GROUP}/v1`;

/** The operator's examples and the seed still write this one. */
const WSO2_V1ALPHA1 = `${WSO2_GROUP}/v1alpha1`;

const type = (kind: string, plural: string): ResourceType => ({ apiVersion: WSO2_API_VERSION, kind, plural, alsoServedAs: [WSO2_V1ALPHA1] });

export const APIGatewayType = type('APIGateway', 'apigateways');
export const RestApiType = type('RestApi', 'restapis');
export const ApiKeyType = type('ApiKey', 'apikeys');
export const SubscriptionPlanType = type('SubscriptionPlan', 'subscriptionplans');
export const SubscriptionType = type('Subscription', 'subscriptions');
export const CertificateType = type('Certificate', 'certificates');
export const ManagedSecretType = type('ManagedSecret', 'managedsecrets');
export const LlmProviderTemplateType = type('LlmProviderTemplate', 'llmprovidertemplates');
export const LlmProviderType = type('LlmProvider', 'llmproviders');
export const LlmProxyType = type('LlmProxy', 'llmproxies');
export const McpType = type('Mcp', 'mcps');

/** The kinds pushed to a gateway's management API (every kind but APIGateway). */
export const wso2ManagedTypes = [RestApiType, ApiKeyType, SubscriptionPlanType, SubscriptionType, CertificateType, ManagedSecretType, LlmProviderTemplateType, LlmProviderType, LlmProxyType, McpType];
const wso2ResourceTypes = [APIGatewayType, ...wso2ManagedTypes];
/** The kinds a control plane's artifacts, plans, subscriptions and key revocations become: an APIGateway writes them. */
export const controlPlaneTypes = [RestApiType, LlmProviderType, LlmProxyType, McpType, SubscriptionPlanType, SubscriptionType, ApiKeyType];
for (const t of wso2ResourceTypes) registerResourceType(t);
