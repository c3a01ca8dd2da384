import { registerResourceType, type ResourceType } from '../../shared/kube/resources.ts';

export const THREESCALE_API_VERSION = 'capabilities.3scale.net/v1beta1';

export const BackendType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'Backend', plural: 'backends' };
export const ProductType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'Product', plural: 'products' };

export const DeveloperAccountType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'DeveloperAccount', plural: 'developeraccounts' };
export const DeveloperUserType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'DeveloperUser', plural: 'developerusers' };
export const ApplicationType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'Application', plural: 'applications' };
export const ApplicationAuthType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'ApplicationAuth', plural: 'applicationauths' };

export const ActiveDocType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'ActiveDoc', plural: 'activedocs' };
export const CustomPolicyDefinitionType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'CustomPolicyDefinition', plural: 'custompolicydefinitions' };
export const OpenAPIType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'OpenAPI', plural: 'openapis' };

export const ProxyConfigPromoteType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'ProxyConfigPromote', plural: 'proxyconfigpromotes' };

/** Tenant is still v1alpha1 in the 3scale operator (the other kinds are v1beta1). */
export const TenantType: ResourceType = { apiVersion: 'capabilities.3scale.net/v1alpha1', kind: 'Tenant', plural: 'tenants' };

export const threescaleResourceTypes = [BackendType, ProductType, DeveloperAccountType, DeveloperUserType, ApplicationType, ApplicationAuthType, ActiveDocType, CustomPolicyDefinitionType, OpenAPIType, ProxyConfigPromoteType, TenantType];
for (const t of threescaleResourceTypes) registerResourceType(t);
