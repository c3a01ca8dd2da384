import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { Desired, SyncContext } from '../../../shared/engine/kind.ts';
import { toAutomationSpelling } from '../automation-spelling.ts';
import { certificateSourceOf } from '../references.ts';
import type { ApplicationSpec } from './schema.ts';

type Certificate = NonNullable<NonNullable<ApplicationSpec['settings']['tls']>['clientCertificates']>[number];

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * The Automation API's ApplicationSpec from the resource, as GKO builds it: client certificates given by reference
 * read from their Secret or ConfigMap, base64 ones decoded, unnamed ones named after the application, and values
 * spelled as the spec's enums. Certificate contents are public material, but never logged anyway.
 */
export async function applicationPayload({ object, spec }: Desired<ApplicationSpec>, hrid: string, ctx: SyncContext): Promise<Record<string, unknown>> {
  const { contextRef: _c, id: _i, hrid: _h, ...fields } = spec;
  const body: Record<string, unknown> = { ...fields, hrid };
  const tls = spec.settings.tls;
  if (tls?.clientCertificates) {
    const ns = object.metadata.namespace ?? 'default';
    const clientCertificates = await Promise.all(tls.clientCertificates.map((cert, i) => certificate(cert, i, spec.name, ns, ctx)));
    body.settings = { ...spec.settings, tls: { ...tls, clientCertificates } };
  }
  return toAutomationSpelling('Application', body);
}

async function certificate(cert: Certificate, i: number, appName: string, ns: string, ctx: SyncContext): Promise<Record<string, unknown>> {
  const field = `spec.settings.tls.clientCertificates[${i}]`;
  const { ref, encoded, ...rest } = cert;
  let content = cert.content ?? '';
  if (ref) {
    const source = certificateSourceOf(ref, ns)!;
    const key = ref.key ?? 'tls.crt';
    const data = await ctx.readData(source);
    if (!data) throw missingReference(`${field}.ref: ${source.kind} ${source.namespace}/${source.name} not found`);
    if (data[key] === undefined) throw missingReference(`${field}.ref: key "${key}" not found in ${source.kind} ${source.namespace}/${source.name}`);
    content = data[key];
  }
  if (encoded && content) {
    if (!BASE64.test(content)) throw invalidSpec('InvalidSpec', `${field}: encoded is true but the content is not base64`);
    content = Buffer.from(content, 'base64').toString('utf8');
  }
  return { ...rest, name: cert.name || `${appName}-${i}`, content };
}
