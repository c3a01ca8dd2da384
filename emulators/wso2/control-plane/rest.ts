/**
 * The gateway internal REST API's operations (platform-api `handler/gateway_internal.go`), keyed by the spec's
 * operationIds. Each runs for an authenticated gateway on a request the contract already accepted, and answers
 * JSON (errors as the spec's `ErrorResponse`) or an archive.
 */
import { STATUS_CODES } from 'node:http';
import type { Answer } from '../../common/http-io.ts';
import { KIND_NAMES, type ArtifactKind } from './artifact-kinds.ts';
import { artifactZip, batchTarGz } from './archives.ts';
import type { ControlPlane } from './control-plane.ts';
import { apiKeyItem, planInfo, subscriptionInfo } from './devportal.ts';
import { deterministicUuidV7 } from './etags.ts';
import type { Gateway } from './gateways.ts';
import type { ManifestRecord } from './types.ts';

/** An answer, and the gateway whose call it answers (for the call log). */
export type RestAnswer = Answer & { gatewayId?: string };

export interface RestRequest {
  cp: ControlPlane;
  gateway: Gateway;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  manifests: ManifestRecord[];
}

type Operation = (r: RestRequest) => RestAnswer | Promise<RestAnswer>;

export const errorAnswer = (status: number, description: string): RestAnswer => ({
  status,
  body: { code: status, message: STATUS_CODES[status] ?? 'Error', description },
});

/** An archive, as a download. */
const download = (bytes: Uint8Array, contentType: string, filename: string): RestAnswer => ({
  status: 200,
  body: bytes,
  headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"` },
});

/** `GET /apis/{apiId}` and its LLM/MCP siblings: a zip of the deployment the gateway should run. */
function artifactArchive(kind: ArtifactKind, idParam: string): Operation {
  const { label, filePrefix } = KIND_NAMES[kind];
  return ({ cp, gateway, pathParams }) => {
    const id = pathParams[idParam]!;
    const artifact = cp.deployments.artifact(id);
    if (!artifact || artifact.kind !== kind) return errorAnswer(404, `${label} not found`);
    const deployment = cp.deployments.activeDeployment(gateway.id, id);
    if (!deployment) return errorAnswer(404, `No active deployment found for this ${label} on this gateway`);
    return download(artifactZip(deployment), 'application/zip', `${filePrefix}-${id}.zip`);
  };
}

/** `GET /{collection}/api-keys`: keys of the kind's artifacts that have a status on this gateway, newest first. */
function apiKeys(kind: ArtifactKind): Operation {
  return ({ cp, gateway, query }) => {
    const issuer = query.get('issuer') || undefined;
    const keys = [...cp.devportal.apiKeys.values()]
      .filter((k) => cp.deployments.artifact(k.artifactId)?.kind === kind && cp.deployments.row(gateway.id, k.artifactId))
      .filter((k) => !issuer || k.issuer === issuer)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    return { status: 200, body: keys.map(apiKeyItem) };
  };
}

const BATCH_MEDIA_TYPE = 'application/x-tar+gzip';

export const OPERATIONS: Record<string, Operation> = {
  getAPIById: artifactArchive('RestApi', 'apiId'),
  getLLMProviderById: artifactArchive('LlmProvider', 'providerId'),
  getLLMProxyById: artifactArchive('LlmProxy', 'proxyId'),
  getMCPProxyById: artifactArchive('Mcp', 'proxyId'),
  getRestAPIAPIKeys: apiKeys('RestApi'),
  getLLMProviderAPIKeys: apiKeys('LlmProvider'),
  getLLMProxyAPIKeys: apiKeys('LlmProxy'),

  GetGatewayDeployments({ cp, gateway, query }) {
    const sinceText = query.get('since');
    const since = sinceText ? new Date(sinceText) : undefined;
    if (since && Number.isNaN(since.getTime())) return errorAnswer(400, "Invalid 'since' parameter. Expected ISO 8601 format (e.g., 2026-03-04T10:00:00Z)");
    const deployments = cp.deployments.listFor(gateway.id, since).map(({ row, kind }) => ({
      artifactId: row.artifactId,
      deploymentId: row.deploymentId,
      kind,
      // the state the deployment drives towards: a transitional DEPLOYING/UNDEPLOYING would not parse on the gateway
      state: row.desired,
      deployedAt: row.performedAt.toISOString(),
      etag: deterministicUuidV7(row.deploymentId, row.performedAt),
    }));
    return { status: 200, body: { deployments } };
  },

  async BatchFetchDeployments({ cp, gateway, headers, body }) {
    if (headers.accept !== BATCH_MEDIA_TYPE) return errorAnswer(406, `This endpoint only supports Accept: ${BATCH_MEDIA_TYPE}`);
    const ids = (body as { deploymentIds: string[] }).deploymentIds;
    if (ids.length === 0) return errorAnswer(400, 'At least one deployment ID is required');
    // unknown ids and other gateways' deployments are left out, not refused
    const archive = await batchTarGz(cp.deployments.contents(gateway.id, ids));
    return download(archive, BATCH_MEDIA_TYPE, `deployments-batch-${gateway.id}.tar.gz`);
  },

  PushGatewayManifest({ gateway, pathParams, body, manifests }) {
    if (pathParams.gatewayId !== gateway.id) return errorAnswer(403, 'Gateway ID mismatch');
    manifests.push({ gatewayId: gateway.id, body });
    return { status: 204 };
  },

  getSubscriptionPlans({ cp }) {
    return { status: 200, body: [...cp.devportal.plans.values()].map(planInfo) };
  },

  getSubscriptionsForAPI({ cp, gateway, pathParams }) {
    const apiId = pathParams.apiId!;
    if (cp.deployments.artifact(apiId)?.kind !== 'RestApi') return errorAnswer(404, 'API not found');
    if (cp.deployments.row(gateway.id, apiId)?.desired !== 'DEPLOYED') return errorAnswer(403, 'API is not associated with this gateway');
    const subs = [...cp.devportal.subscriptions.values()].filter((s) => s.apiId === apiId);
    return { status: 200, body: subs.map(subscriptionInfo) };
  },

  checkArtifactsExist({ cp, body }) {
    const ids = (body as { artifactIds: string[] }).artifactIds;
    if (ids.length === 0) return errorAnswer(400, 'Invalid request body: artifactIds is required and must be a non-empty array');
    return { status: 200, body: { artifacts: ids.map((artifactId) => ({ artifactId, exists: cp.deployments.artifact(artifactId) !== undefined })) } };
  },
};
