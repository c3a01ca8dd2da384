import { missingReference } from '../../../shared/engine/errors.ts';
import type { ExternalClient, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { CP_LABELS, CP_ORIGIN } from '../control-plane/metadata.ts';
import { deploymentState } from '../deployment-state.ts';
import type { GatewayConfig } from '../gateway/config.ts';
import { tlsOf } from '../control-plane/session.ts';
import { apiArchive } from './api-archive.ts';
import { apiDefinition } from './api-definition.ts';
import { bottomUpApimClient } from './client.ts';
import { describeGrant, grantOf, readCredentials } from './credentials.ts';
import { ownerOf } from './ownership.ts';
import { cachedProbe } from './probe-cache.ts';
import { PublisherApi } from './publisher-api.ts';
import { failingClient, staged, withStage } from './staged-client.ts';
import { containerTokens } from './token.ts';
import { identified } from '../../identified.ts';
import { wso2ApimIdentity } from '../identity.ts';

/** The gateway a RestApi is bound to, as bottom-up sync needs it. */
export interface BottomUpGateway {
  object: KubeObject;
  config: GatewayConfig;
}

/**
 * The APIM 4.7 side of a RestApi declared in Kubernetes: an external client (observe/create/update/delete) run after
 * the gateway's, or undefined when bottom-up sync does not apply (control-plane origin, no control plane, deployment
 * sync disabled, no OAuth2 credentials, a control plane that is not APIM 4.7); why is logged at debug level.
 *
 * Its status is `{controlPlane: {type, host, apiId, revisionId, gatewayEnvironment, lastImportedGeneration, specHash}}`;
 * every error it raises carries `stage: 'control-plane'`. A failure to reach or read APIM (including the control
 * plane's discovery) is raised by create/update, never by observe, so the gateway's write is never held back by it.
 */
export async function bottomUpClient(restApi: KubeObject, spec: Record<string, unknown>, gateway: BottomUpGateway, ctx: SyncContext): Promise<ExternalClient | undefined> {
  const deleting = Boolean(restApi.metadata.deletionTimestamp);
  const recordedId = (restApi.status?.controlPlane as { apiId?: unknown } | undefined)?.apiId;
  const where = { namespace: restApi.metadata.namespace, name: restApi.metadata.name };
  try {
    const skip = (reason: string) => {
      ctx.log.debug('bottom-up sync to APIM does not apply', { ...where, reason });
      return undefined;
    };
    // What the control plane deployed to the gateway came from APIM: it is not sent back.
    if (restApi.metadata.labels?.[CP_LABELS.origin] === CP_ORIGIN) return skip('the RestApi came from the control plane');
    const cp = gateway.config.controlPlane;
    if (!cp) return skip('the gateway has no control plane');
    if (!cp.deploymentSyncEnabled) return skip('deployment_sync_enabled is false');
    const namespace = gateway.object.metadata.namespace ?? 'default';
    const grant = grantOf(await readCredentials(namespace, cp.oauth2, ctx));
    if (typeof grant === 'string') {
      if (deleting && typeof recordedId === 'string') {
        // Removing the APIM API it imported needs the credentials back (typically deleted together with the RestApi).
        return failingClient(withStage(missingReference(`cannot remove the API from APIM at ${cp.host}: ${grant} in the gateway's values or Secrets (namespace ${namespace})`)));
      }
      return skip(grant);
    }
    const probe = await cachedProbe(gateway.object, cp, ctx);
    if (probe.flavour !== 'apim') return skip('the control plane is not WSO2 API Manager');
    if (probe.version && !supportsBottomUp(probe.version)) return skip(`APIM ${probe.version} does not take bottom-up imports (4.7 or later)`);
    // APIM is the control plane's host: the same trust (insecure_skip_verify, or the CA the APIGateway names).
    const tls = await tlsOf(gateway.object, cp, ctx);
    const def = apiDefinition(spec);
    const owner = ownerOf(restApi, ctx.cluster.id);
    const archive = apiArchive(def, { owner, environment: cp.gatewayName, provider: grant.type === 'password' ? grant.username : 'admin' });
    ctx.log.debug('bottom-up sync to APIM applies', { ...where, host: cp.host, environment: cp.gatewayName, grant: describeGrant(grant) });
    const publisher = new PublisherApi({ host: cp.host, ...(tls ? { tls } : {}), grant }, ctx.http, containerTokens);
    const undeployed = deploymentState(restApi) === 'undeployed';
    return identified(staged(bottomUpApimClient({ restApi, def, archive, publisher, environment: cp.gatewayName, owner, undeployed, log: ctx.log })), wso2ApimIdentity(cp.host, def));
  } catch (e) {
    const err = withStage(e);
    // Deleting a RestApi that never reached APIM: nothing to remove, and nothing to wait for.
    if (deleting && typeof recordedId !== 'string') {
      ctx.log.warn('bottom-up sync to APIM not checked on deletion', { ...where, error: err.message });
      return undefined;
    }
    return failingClient(err);
  }
}

/** Bottom-up imports exist from APIM 4.7 on (the seed: "only supported with APIM 4.7.x"). */
function supportsBottomUp(version: string): boolean {
  const [major, minor] = version.split('.').map((n) => Number.parseInt(n, 10));
  if (!Number.isFinite(major)) return true;
  return major > 4 || (major === 4 && (Number.isFinite(minor) ? minor : 0) >= 7);
}
