/**
 * WSO2 control plane emulator, in both flavours a gateway connects to: WSO2 API Manager 4.7 (`apim`) and the
 * API Platform's platform-api (`platform`). Well-known discovery, the gateway internal REST API (every request
 * checked against the published spec) and the gateway WebSocket, with test hooks that deploy, announce and break.
 */
export { startControlPlaneEmulator } from './server.ts';
export { ARTIFACT_KINDS } from './artifact-kinds.ts';
export type {
  AckRecord,
  ApiKeyCreated,
  ApiKeyInput,
  ArtifactEnvelope,
  ArtifactKind,
  CallRecord,
  ConnectionInfo,
  ContractViolation,
  ControlPlaneEmulator,
  ControlPlaneEmulatorOptions,
  DeploymentState,
  DeploymentStatusView,
  DeployOptions,
  DeployResult,
  EventEnvelope,
  EventRecord,
  FaultRule,
  Flavour,
  ManifestRecord,
  PlanInput,
  SubscriptionInput,
} from './types.ts';
