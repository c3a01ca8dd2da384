import { registerResourceType, type ResourceType } from '../../shared/kube/resources.ts';

export const GRAVITEE_API_VERSION = 'gravitee.io/v1alpha1';

const type = (kind: string, plural: string): ResourceType => ({ apiVersion: GRAVITEE_API_VERSION, kind, plural });

export const ManagementContextType = type('ManagementContext', 'managementcontexts');
export const ApiV4DefinitionType = type('ApiV4Definition', 'apiv4definitions');
export const ApiDefinitionType = type('ApiDefinition', 'apidefinitions');
export const ApplicationType = type('Application', 'applications');
export const ApiResourceType = type('ApiResource', 'apiresources');
export const SharedPolicyGroupType = type('SharedPolicyGroup', 'sharedpolicygroups');
export const SubscriptionType = type('Subscription', 'subscriptions');
export const GroupType = type('Group', 'groups');
export const NotificationType = type('Notification', 'notifications');
export const DictionaryType = type('Dictionary', 'dictionaries');
export const PortalType = type('Portal', 'portals');
export const PortalListingType = type('PortalListing', 'portallistings');
export const PortalLinkType = type('PortalLink', 'portallinks');
export const DocumentationType = type('Documentation', 'documentations');

/** Every gravitee.io kind apim-sync syncs. GKO's GatewayClassParameters and KafkaRoute configure gateways GKO runs itself. */
export const graviteeResourceTypes = [
  ManagementContextType,
  ApiV4DefinitionType,
  ApiDefinitionType,
  ApplicationType,
  ApiResourceType,
  SharedPolicyGroupType,
  SubscriptionType,
  GroupType,
  NotificationType,
  DictionaryType,
  PortalType,
  PortalListingType,
  PortalLinkType,
  DocumentationType,
];
for (const t of graviteeResourceTypes) registerResourceType(t);
