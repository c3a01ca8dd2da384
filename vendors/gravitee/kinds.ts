import type { KindDefinition } from '../../shared/engine/kind.ts';
import { apiDefinitionKind } from './api-definition/kind.ts';
import { apiV4DefinitionKind } from './api-v4-definition/kind.ts';
import { applicationKind } from './application/kind.ts';
import { managementContextKind } from './management-context/kind.ts';
import { apiResourceKind } from './api-resource/kind.ts';
import { notificationKind } from './notification/kind.ts';
import { sharedPolicyGroupKind } from './shared-policy-group/kind.ts';
import { dictionaryKind } from './dictionary/kind.ts';
import { groupKind } from './group/kind.ts';
import { subscriptionKind } from './subscription/kind.ts';
import { portalKind } from './portal/kind.ts';
import { portalListingKind } from './portal-listing/kind.ts';
import { portalLinkKind } from './portal-link/kind.ts';
import { documentationKind } from './documentation/kind.ts';

/** Gravitee APIM, as the Gravitee Kubernetes Operator's gravitee.io/v1alpha1 kinds. */
export const graviteeKinds: KindDefinition<any>[] = [managementContextKind, apiV4DefinitionKind, apiDefinitionKind, applicationKind, apiResourceKind, notificationKind, sharedPolicyGroupKind, dictionaryKind, groupKind, portalKind, portalListingKind, portalLinkKind, documentationKind, subscriptionKind];
