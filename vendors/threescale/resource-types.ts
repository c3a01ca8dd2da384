import { registerResourceType, type ResourceType } from '../../shared/kube/resources.ts';

export const THREESCALE_API_VERSION = 'capabilities.3scale.net/v1beta1';

export const BackendType: ResourceType = { apiVersion: THREESCALE_API_VERSION, kind: 'Backend', plural: 'backends' };

export const threescaleResourceTypes = [BackendType];
for (const t of threescaleResourceTypes) registerResourceType(t);
