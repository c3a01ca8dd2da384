import { parse } from 'yaml';
import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import type { SyncContext } from '../../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../../shared/kube/object-ref.ts';
import { httpFailure } from '../../../shared/vendor-http/vendor-http.ts';
import type { ActiveDocSpec } from './schema.ts';
import { openAPISecretRef } from './references.ts';

type Json = Record<string, unknown>;

function parseDocument(text: string, where: string): Json {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw invalidSpec('Invalid', `${where}: not a YAML or JSON document (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw invalidSpec('Invalid', `${where}: not an OpenAPI document (an object)`);
  return doc as Json;
}

/**
 * The OpenAPI document, parsed (YAML or JSON), as the operator reads it: the only value of the Secret (its key, a
 * file name, is ignored), or the URL fetched anew on every sync through VendorHttp (address policy, timeout).
 */
export async function readOpenAPIDocument(obj: KubeObject, spec: ActiveDocSpec, ctx: SyncContext): Promise<Json> {
  const secret = openAPISecretRef(obj);
  if (secret) {
    const where = `secret ${secret.namespace}/${secret.name} (spec.activeDocOpenAPIRef.secretRef)`;
    const data = await ctx.readData({ ...SECRET, ...secret });
    if (!data) throw missingReference(`${where} not found`);
    const values = Object.values(data);
    if (values.length !== 1) throw invalidSpec('Invalid', `${where}: must hold exactly one key (the OpenAPI document), has ${values.length}`);
    return parseDocument(values[0], where);
  }
  const url = spec.activeDocOpenAPIRef.url!;
  const req = { method: 'GET' as const, url, headers: { accept: 'application/json, application/yaml, text/yaml, */*' } };
  const res = await ctx.http.request(req);
  if (res.status !== 200) throw httpFailure(req, res, 'OpenAPIUnreachable');
  // A JSON answer arrives parsed; JSON is YAML, so one parser covers both.
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  return parseDocument(text, `spec.activeDocOpenAPIRef.url ${url}`);
}
