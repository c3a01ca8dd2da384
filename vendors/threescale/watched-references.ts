import type { WatchedKind } from '../../shared/engine/kind.ts';
import { applicationReferences } from './application/references.ts';
import { applicationAuthReferences } from './application-auth/references.ts';
import { developerUserReferences } from './developer-user/references.ts';
import { threescaleReferences } from './references.ts';
import { activeDocReferences } from './active-doc/references.ts';
import { openAPIReferences } from './openapi/references.ts';
import { proxyConfigPromoteReferences } from './proxy-config-promote/references.ts';
import { tenantReferences } from './tenant/references.ts';

/** What the watcher indexes for each 3scale kind: the common references, plus a DeveloperUser's own. */
export function threescaleReferencesOf(kind: string): WatchedKind['references'] {
  if (kind === 'ActiveDoc') return activeDocReferences;
  if (kind === 'OpenAPI') return openAPIReferences;
  if (kind === 'Tenant') return tenantReferences;
  if (kind === 'Application') return applicationReferences;
  if (kind === 'ApplicationAuth') return applicationAuthReferences;
  if (kind === 'ProxyConfigPromote') return proxyConfigPromoteReferences;
  return kind === 'DeveloperUser' ? developerUserReferences : threescaleReferences;
}
