import { permanent } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation, SyncContext } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { claimedIds } from '../claimed-ids.ts';
import { CreatePending } from '../create-pending.ts';
import type { ResolvedGateway } from '../gateway/resolve.ts';
import { CertificateType } from '../resource-types.ts';
import { secretsFingerprint } from '../secrets-fingerprint.ts';
import { resolveValue } from '../value-source.ts';
import type { CertificateSpec } from './schema.ts';
import { wso2GatewayIdentity } from '../identity.ts';

type Json = Record<string, any>;
const CERTIFICATES = '/certificates';

/**
 * A Certificate on one gateway. The management API lists, uploads (POST) and deletes certificates, nothing else: it
 * returns neither the PEM nor a way to change it, so a changed certificate (or name) is replaced — the old one deleted,
 * the new one uploaded under the same unique name — and what was uploaded is known by its fingerprint in status.
 * Without an id in status the certificate is looked up by name before any upload; one another resource manages is
 * never taken over. An unknown certificate found by name is replaced by the resource's.
 */
export function certificateClient(gateway: ResolvedGateway, object: KubeObject, spec: CertificateSpec, known: Json, ctx: SyncContext): ExternalClient {
  const api = gateway.management;
  const pending = new CreatePending(object, ctx);
  const claimed = claimedIds(CertificateType, object, gateway.key, ctx);
  let desired: Promise<{ pem: string; fingerprint: string | undefined }> | undefined;
  const wanted = () =>
    (desired ??= resolveValue(spec.certificate, 'spec.certificate', object, ctx).then((pem) => {
      if (!pem) throw permanent('InvalidSpec', 'spec.certificate: the certificate is empty');
      return { pem, fingerprint: secretsFingerprint(object, [spec.displayName, pem]) };
    }));
  let found: { cert: Json; fingerprint?: string } | undefined;

  const find = async (): Promise<{ cert: Json; fingerprint?: string } | undefined> => {
    const certs = (await api.list(CERTIFICATES, 'certificates')) ?? [];
    const byId = typeof known.id === 'string' && known.id ? certs.find((c) => c.id === known.id) : undefined;
    if (byId) return { cert: byId, fingerprint: known.secretsFingerprint };
    const byName = certs.find((c) => c.name === spec.displayName && typeof c.id === 'string');
    if (!byName) return undefined;
    const holder = (await claimed()).get(byName.id);
    if (holder) throw permanent('Conflict', `spec.displayName: the gateway's certificate ${spec.displayName} (${byName.id}) is managed by ${holder}`);
    // Uploaded by this resource before a crash: its fingerprint is the one the pending create recorded.
    return { cert: byName, fingerprint: pending.pending?.fingerprint };
  };
  const status = (cert: Json, fingerprint: string | undefined): ExternalStatus => ({ id: cert.id, secretsFingerprint: fingerprint });
  const upload = async (): Promise<ExternalStatus> => {
    const { pem, fingerprint } = await wanted();
    return pending.create(fingerprint, () => api.create(CERTIFICATES, { json: { name: spec.displayName, certificate: pem } }), (c) => status(c, fingerprint));
  };

  return {
    // By the name it is uploaded under (the lookup before any upload); the id the gateway issues is not known before.
    identity: wso2GatewayIdentity(api.endpoint, 'Certificate', spec.displayName),
    async observe(): Promise<Observation> {
      const { fingerprint } = await wanted();
      found = await find();
      if (!found) return { exists: false, upToDate: false };
      const s = status(found.cert, found.fingerprint);
      if (found.cert.id !== known.id) await pending.adopted(s);
      return { exists: true, upToDate: found.fingerprint !== undefined && found.fingerprint === fingerprint, status: s };
    },
    create: upload,
    async update() {
      // No PUT: the old certificate goes first (names are unique), then the new one is uploaded. A crash between the
      // two leaves neither, and the next sync uploads.
      const current = found ?? (await find());
      if (current) await api.remove(`${CERTIFICATES}/${encodeURIComponent(current.cert.id)}`);
      return upload();
    },
    async delete() {
      if (typeof known.id === 'string' && known.id) return api.remove(`${CERTIFICATES}/${encodeURIComponent(known.id)}`);
      if (!pending.pending) return;
      const certs = (await api.list(CERTIFICATES, 'certificates')) ?? [];
      const mine = certs.find((c) => c.name === spec.displayName && typeof c.id === 'string');
      if (mine && !(await claimed()).has(mine.id)) await api.remove(`${CERTIFICATES}/${encodeURIComponent(mine.id)}`);
    },
  };
}
