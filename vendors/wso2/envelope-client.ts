import { isSubset } from '../../shared/engine/status-patch.ts';
import { permanent } from '../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation } from '../../shared/engine/kind.ts';
import type { KubeObject } from '../../shared/kube/object-ref.ts';
import { GatewayCallError, type ManagementApi } from './management-api.ts';
import { payloadMetadata, type PayloadMetadata } from './payload-metadata.ts';
import { WSO2_API_VERSION } from './resource-types.ts';
import { secretsFingerprint } from './secrets-fingerprint.ts';
import { wso2GatewayIdentity } from './identity.ts';
import { syncedDeployment } from './control-plane/metadata.ts';

type Json = Record<string, any>;

/** What a resource sends: the spec with every valueFrom resolved, what a GET returns of it, and the write-only values. */
export interface EnvelopeBody {
  spec: Json;
  /**
   * The part of `spec` a GET returns, to compare with it: `spec` without the write-only values (upstream credentials
   * the gateway never returns), which `writeOnly` lists for the status fingerprint instead.
   */
  compared?: Json;
  writeOnly?: unknown[];
}

/** One resource the gateway keeps as the operator's envelope `{apiVersion, kind, metadata, spec}`, by handle (its name). */
export interface EnvelopeResource {
  object: KubeObject;
  /** `/rest-apis`, `/secrets`, …: the collection POSTs go to and the handle is appended to. */
  collection: string;
  /** The envelope's kind (`RestApi`, `Secret` for a ManagedSecret, …). */
  kind: string;
  /** Builds the body, reading Secrets and waiting for dependencies: only for writes, so a deletion needs none of them. */
  body(): Promise<EnvelopeBody>;
  /** False where the gateway does not return the metadata (secrets answer with their name only). */
  compareMetadata?: boolean;
  /** Write `status.id` (the gateway's id, its handle), where the CRD has it. */
  statusId?: boolean;
}

/**
 * Envelope kinds as the operator deploys them (deployEnvelopeResource): GET by handle, then PUT, or POST when the
 * gateway has none. Observe compares the desired spec with what the gateway returns (fields the gateway adds are
 * left alone, as server-side apply leaves fields it does not manage), so a resync with nothing changed writes
 * nothing and a change made on the gateway is reverted; values the gateway never returns are compared through a
 * fingerprint of what was last applied.
 */
export function envelopeClient(api: ManagementApi, r: EnvelopeResource, known: Json): ExternalClient {
  const metadata = payloadMetadata(r.object);
  const handle = metadata.name;
  const path = `${r.collection}/${encodeURIComponent(handle)}`;
  let built: Promise<{ desired: EnvelopeBody; fingerprint: string | undefined }> | undefined;
  const desired = () =>
    (built ??= r.body().then((b) => ({ desired: b, fingerprint: secretsFingerprint(r.object, b.writeOnly ?? []) })));
  const status = async (got: Json | undefined): Promise<ExternalStatus> => ({
    ...(r.statusId ? { id: typeof got?.status?.id === 'string' ? got.status.id : handle } : {}),
    secretsFingerprint: (await desired()).fingerprint,
    // A control-plane resource: which deployment the gateway now runs, for the watcher's deployment.ack.
    ...syncedDeployment(r.object),
  });

  const post = async (): Promise<ExternalStatus> => {
    const body = await envelope();
    try {
      const created = await api.create(r.collection, body);
      // The gateway deploys whatever it creates (it reads deploymentState on updates only): an undeployed one is
      // written once more.
      if (body.yaml.spec.deploymentState === 'undeployed' && created.status?.state !== 'undeployed') return status(await api.replace(path, body));
      return status(created);
    } catch (e) {
      if (!(e instanceof GatewayCallError) || e.status !== 409) throw e;
      // Created meanwhile by a redelivery of this sync, or another resource holds the same name and version.
      if (await api.get(path)) return status(await api.replace(path, body));
      throw permanent('Conflict', `the gateway refused to create ${r.kind} ${handle}: ${e.gatewayMessage || 'conflict'} (another ${r.kind} on the gateway has the same display name and version, or the same context)`);
    }
  };

  const envelope = async () => ({ yaml: { apiVersion: WSO2_API_VERSION, kind: r.kind, metadata, spec: (await desired()).desired.spec } });

  return {
    // The gateway keeps it by handle in its kind's collection.
    identity: wso2GatewayIdentity(api.endpoint, r.kind, handle),
    async observe(): Promise<Observation> {
      const { desired: body, fingerprint } = await desired();
      const got = await api.get(path);
      if (!got) return { exists: false, upToDate: false };
      return { exists: true, upToDate: matches(body, metadata, r.compareMetadata !== false, got) && fingerprint === known.secretsFingerprint, status: await status(got) };
    },
    create: post,
    async update() {
      try {
        return status(await api.replace(path, await envelope()));
      } catch (e) {
        // Deleted on the gateway since observe: created again.
        if (e instanceof GatewayCallError && e.status === 404) return post();
        throw e;
      }
    },
    async delete() {
      await api.remove(path);
    },
  };
}

/** Whether what the gateway holds is what the resource says (see envelopeClient). */
function matches(body: EnvelopeBody, metadata: PayloadMetadata, compareMetadata: boolean, got: Json): boolean {
  const { deploymentState, ...compared } = body.compared ?? body.spec;
  const actual: Json = got.spec ?? {};
  // The gateway reports the desired state in status.state; its spec may omit the field.
  const state = actual.deploymentState ?? got.status?.state ?? 'deployed';
  if ((deploymentState ?? 'deployed') !== state) return false;
  if (!isSubset(compared, actual)) return false;
  if (!compareMetadata) return true;
  return isSubset(metadata.labels ?? {}, got.metadata?.labels ?? {}) && isSubset(metadata.annotations ?? {}, got.metadata?.annotations ?? {});
}
