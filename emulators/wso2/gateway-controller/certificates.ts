/**
 * `/certificates` (`certificates.go`): PEM bundles of X.509 certificates, checked as Go's `pem.Decode` +
 * `x509.ParseCertificate` read them (non-certificate blocks skipped, reading stops at the first block
 * that does not decode). Names are unique, but a duplicate is refused by the database and answered with
 * the handler's generic 500, as the gateway does. The list of none is `null` (a nil Go slice).
 */
import { X509Certificate } from 'node:crypto';
import { created, ok, type HandlerContext, type Operation } from './context.ts';
import { badRequest, internal, notFound, NOT_FOUND } from './errors.ts';
import { uuidV7 } from './ids.ts';
import { asObject, BodyParseError } from './request-body.ts';
import { now, type Json, type StoredCertificate } from './store.ts';
import { text } from './validation/fields.ts';

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The certificates of a PEM text, or the handler's refusal. */
function parsePem(pem: string): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const [, type, body] of pem.matchAll(BLOCK)) {
    const base64 = body!.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) break; // pem.Decode gives up here
    if (type !== 'CERTIFICATE') continue;
    try {
      certificates.push(new X509Certificate(Buffer.from(base64, 'base64')));
    } catch {
      throw badRequest('Invalid certificate: invalid certificate: x509: malformed certificate');
    }
  }
  if (certificates.length === 0) throw badRequest('Invalid certificate: no valid certificates found in PEM data');
  return certificates;
}

/** `pkix.Name.String()`: the distinguished name's attributes, last first, comma-separated. */
const distinguishedName = (name: string): string => name.split('\n').reverse().join(',');

/** Go's `2006-01-02 15:04:05` layout, in UTC. */
const goDateTime = (iso: string): string => iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');

function certificateBody(c: StoredCertificate): Json {
  return { id: c.id, name: c.name, subject: c.subject, issuer: c.issuer, notAfter: goDateTime(c.notAfter), count: c.count, status: 'success' };
}

function checkUpload(ctx: HandlerContext): { name: string; pem: string; certificates: X509Certificate[] } {
  const raw = ctx.read('json');
  if (raw instanceof BodyParseError) throw badRequest(`Invalid request body: ${raw.message}`);
  const request = asObject(raw);
  const name = text(request.name);
  const pem = text(request.certificate);
  if (name === '' || pem === '') throw badRequest('name and certificate are required fields');
  return { name, pem, certificates: parsePem(pem) };
}

const totalBytes = (ctx: HandlerContext): number => [...ctx.store.certificates.values()].reduce((sum, c) => sum + Buffer.byteLength(c.pem), 0);

export const certificateOperations: Record<string, Operation> = {
  uploadCertificate: {
    validate: (ctx) => void checkUpload(ctx),
    run(ctx) {
      const { name, pem, certificates } = checkUpload(ctx);
      if ([...ctx.store.certificates.values()].some((c) => c.name === name)) throw internal('Failed to save certificate');
      const first = certificates[0]!;
      const stored: StoredCertificate = {
        id: uuidV7(),
        name,
        pem,
        subject: distinguishedName(first.subject),
        issuer: distinguishedName(first.issuer),
        notBefore: new Date(first.validFrom).toISOString(),
        notAfter: new Date(first.validTo).toISOString(),
        count: certificates.length,
        createdAt: now(),
      };
      ctx.store.certificates.set(stored.id, stored);
      return created({ ...certificateBody(stored), message: 'Certificate uploaded and SDS updated successfully' });
    },
  },
  listCertificates: {
    run(ctx) {
      const items = [...ctx.store.certificates.values()].map(certificateBody);
      return ok({ certificates: items.length ? items : null, totalCount: items.length, totalBytes: totalBytes(ctx), status: 'success' });
    },
  },
  deleteCertificate: {
    run(ctx) {
      const id = ctx.params.id!;
      if (!ctx.store.certificates.delete(id)) throw notFound(`Certificate not found or failed to delete: ${NOT_FOUND}`);
      return ok({ status: 'success', message: 'Certificate deleted and SDS updated successfully', id });
    },
  },
  reloadCertificates: {
    run: (ctx) => ok({ status: 'success', message: 'Certificates reloaded and SDS updated successfully', totalBytes: totalBytes(ctx) }),
  },
};
