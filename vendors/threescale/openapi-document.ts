import { parse } from 'yaml';
import { invalidSpec, missingReference } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import { SECRET, type KubeObject } from '../../shared/kube/object-ref.ts';
import { httpFailure } from '../../shared/vendor-http/vendor-http.ts';
import { nameOf } from './references.ts';

type Json = Record<string, unknown>;

/** Where an ActiveDoc (`spec.activeDocOpenAPIRef`) or an OpenAPI (`spec.openapiRef`) reads its document. */
export type DocumentField = 'activeDocOpenAPIRef' | 'openapiRef';

type DocumentRefs = Record<string, { secretRef?: { name?: unknown; namespace?: unknown }; url?: unknown } | undefined>;

/** The document Secret (`spec.<field>.secretRef`; its namespace defaults to the object's). Tolerant of malformed specs. */
export function documentSecretRef(obj: KubeObject, field: DocumentField, spec: unknown = obj.spec): { namespace: string; name: string } | undefined {
  const ref = (spec as DocumentRefs | undefined)?.[field]?.secretRef;
  const name = nameOf(ref?.name);
  return name ? { namespace: nameOf(ref?.namespace) ?? obj.metadata.namespace ?? 'default', name } : undefined;
}

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
 * file name, is ignored), or the URL fetched anew on every sync through VendorHttp (address policy, timeout). Read
 * from `spec`, the spec as synced (templates rendered), not the object's raw one.
 */
export async function readOpenAPIDocument(obj: KubeObject, spec: unknown, field: DocumentField, ctx: SyncContext): Promise<Json> {
  const secret = documentSecretRef(obj, field, spec);
  if (secret) {
    const where = `secret ${secret.namespace}/${secret.name} (spec.${field}.secretRef)`;
    const data = await ctx.readData({ ...SECRET, ...secret });
    if (!data) throw missingReference(`${where} not found`);
    const values = Object.values(data);
    if (values.length !== 1) throw invalidSpec('Invalid', `${where}: must hold exactly one key (the OpenAPI document), has ${values.length}`);
    return parseDocument(values[0], where);
  }
  const url = String((spec as DocumentRefs)[field]?.url);
  const req = { method: 'GET' as const, url, headers: { accept: 'application/json, application/yaml, text/yaml, */*' } };
  const res = await ctx.http.request(req);
  if (res.status !== 200) throw httpFailure(req, res, 'OpenAPIUnreachable');
  // A JSON answer arrives parsed; JSON is YAML, so one parser covers both.
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
  return parseDocument(text, `spec.${field}.url ${url}`);
}
