import type { KindDefinition } from '../../shared/engine/kind.ts';
import { backendKind } from './backend/kind.ts';
import { productKind } from './product/kind.ts';
import { developerAccountKind } from './developer-account/kind.ts';
import { developerUserKind } from './developer-user/kind.ts';
import { activeDocKind } from './active-doc/kind.ts';
import { customPolicyDefinitionKind } from './custom-policy-definition/kind.ts';
import { openAPIKind } from './openapi/kind.ts';
import { applicationKind } from './application/kind.ts';
import { applicationAuthKind } from './application-auth/kind.ts';
import { proxyConfigPromoteKind } from './proxy-config-promote/kind.ts';
import { tenantKind } from './tenant/kind.ts';

/** Red Hat 3scale, as the 3scale operator's capabilities.3scale.net kinds. */
export const threescaleKinds: KindDefinition<any>[] = [backendKind, productKind, developerAccountKind, developerUserKind, applicationKind, applicationAuthKind, activeDocKind, customPolicyDefinitionKind, openAPIKind, proxyConfigPromoteKind, tenantKind];
