import { registerResourceType, type ResourceType } from '../../shared/kube/resources.ts';

export const GRAVITEE_API_VERSION = 'gravitee.io/v1alpha1';

export const ManagementContextType: ResourceType = { apiVersion: GRAVITEE_API_VERSION, kind: 'ManagementContext', plural: 'managementcontexts' };
export const ApiV4DefinitionType: ResourceType = { apiVersion: GRAVITEE_API_VERSION, kind: 'ApiV4Definition', plural: 'apiv4definitions' };
export const ApiDefinitionType: ResourceType = { apiVersion: GRAVITEE_API_VERSION, kind: 'ApiDefinition', plural: 'apidefinitions' };
export const ApplicationType: ResourceType = { apiVersion: GRAVITEE_API_VERSION, kind: 'Application', plural: 'applications' };

export const graviteeResourceTypes = [ManagementContextType, ApiV4DefinitionType, ApiDefinitionType, ApplicationType];
for (const t of graviteeResourceTypes) registerResourceType(t);
