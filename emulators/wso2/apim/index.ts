/**
 * WSO2 API Manager 4.7 emulator: Dynamic Client Registration, the OAuth2 token endpoint (client credentials,
 * password and refresh grants with client authentication, scopes, expiry, revocation) and the Publisher v4 REST
 * API the bottom-up sync uses (API search, archive import with revisions, deployments to gateway environments and
 * rotation, definitions, revisions, undeploy, delete), over HTTPS. Every request is checked against the published
 * DCR and Publisher specs (and the emulator's own contract of the token endpoint, which WSO2 does not publish).
 */
export { startWso2Apim } from './server.ts';
export { forwardingFallback, type Fallback } from './forwarding.ts';
export { platformArtifact, type PlatformGatewayControlPlane } from './platform-gateways.ts';
export type {
  ApiState,
  ApimUser,
  CallRecord,
  ClientRegistration,
  ContractViolation,
  Credential,
  DeploymentState,
  FaultRule,
  ForeignApiInput,
  GatewayEnvironment,
  OAuthClient,
  RevisionState,
  Wso2ApimEmulator,
  Wso2ApimOptions,
} from './types.ts';
