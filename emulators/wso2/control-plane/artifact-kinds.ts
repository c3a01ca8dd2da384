/**
 * The four artifact kinds a control plane deploys to a gateway, and every name each one goes by on the wire: its
 * file prefix in zips and batch archives (platform-api `utils/common.go`), its event type prefix and payload id field
 * (`gateway_events.go`, the gateway's `events.go`) and the `resourceType` the gateway puts in its `deployment.ack`.
 */
export const ARTIFACT_KINDS = ['RestApi', 'LlmProvider', 'LlmProxy', 'Mcp'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export interface ArtifactKindNames {
  /** `{prefix}-{artifactId}.yaml` in zips and in `{deploymentId}/` folders of batch archives. */
  filePrefix: 'api' | 'llm-provider' | 'llm-proxy' | 'mcp-proxy';
  /** `{eventPrefix}.deployed|undeployed|deleted`. */
  eventPrefix: 'api' | 'llmprovider' | 'llmproxy' | 'mcpproxy';
  /** The artifact id's field in event payloads. */
  idField: 'apiId' | 'providerId' | 'proxyId';
  /** `deployment.ack` payload `resourceType`. */
  resourceType: 'api' | 'llmprovider' | 'llmproxy' | 'mcpproxy';
  /** In 404 messages, as platform-api words them. */
  label: string;
}

export const KIND_NAMES: Record<ArtifactKind, ArtifactKindNames> = {
  RestApi: { filePrefix: 'api', eventPrefix: 'api', idField: 'apiId', resourceType: 'api', label: 'API' },
  LlmProvider: { filePrefix: 'llm-provider', eventPrefix: 'llmprovider', idField: 'providerId', resourceType: 'llmprovider', label: 'LLM Provider' },
  LlmProxy: { filePrefix: 'llm-proxy', eventPrefix: 'llmproxy', idField: 'proxyId', resourceType: 'llmproxy', label: 'LLM Proxy' },
  Mcp: { filePrefix: 'mcp-proxy', eventPrefix: 'mcpproxy', idField: 'proxyId', resourceType: 'mcpproxy', label: 'MCP Proxy' },
};

export const isArtifactKind = (v: unknown): v is ArtifactKind => typeof v === 'string' && (ARTIFACT_KINDS as readonly string[]).includes(v);

/** `GET /deployments` lists kinds in dependency order (RestApi → LlmProvider → LlmProxy → Mcp). */
export const kindRank = (kind: ArtifactKind): number => ARTIFACT_KINDS.indexOf(kind);
