import { invalidSpec } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import { CONFIG_MAP, SECRET, type KubeObject } from '../../shared/kube/object-ref.ts';
import { readKey } from './value-source.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/**
 * Resolves `{valueFrom: {secretKeyRef | configMapKeyRef: {name, key}}}` wherever it stands in a policy's `params`, as
 * the operator does at reconcile time (internal/controller/httproute_policy_params_resolve.go): the map is replaced by
 * the value. Unlike the operator, the Secret or ConfigMap must be in the resource's own namespace: the sync function
 * may read every namespace's Secrets, and a value resolved here can be read back from the gateway, so another
 * namespace's Secret would leak to whoever may write this resource. Values are never logged.
 */
export async function resolveParams(params: unknown, path: string, object: KubeObject, ctx: SyncContext): Promise<unknown> {
  if (Array.isArray(params)) return Promise.all(params.map((v, i) => resolveParams(v, `${path}[${i}]`, object, ctx)));
  if (!isObject(params)) return params;
  const keys = Object.keys(params);
  if (keys.length === 1 && keys[0] === 'valueFrom') return resolveValueFrom(params.valueFrom, `${path}.valueFrom`, object, ctx);
  const out: Json = {};
  for (const [k, v] of Object.entries(params)) out[k] = await resolveParams(v, `${path}.${k}`, object, ctx);
  return out;
}

/** The policies of a spec, resolved: `params` of each policy, and of each of its `paths` (LLM kinds). */
export async function resolvePolicies(policies: unknown, path: string, object: KubeObject, ctx: SyncContext): Promise<unknown> {
  if (!Array.isArray(policies)) return policies;
  return Promise.all(
    policies.map(async (p, i) => {
      if (!isObject(p)) return p;
      const out: Json = { ...p };
      if ('params' in p) out.params = await resolveParams(p.params, `${path}[${i}].params`, object, ctx);
      if (Array.isArray(p.paths)) {
        out.paths = await Promise.all(p.paths.map(async (pp, j) => (isObject(pp) && 'params' in pp ? { ...pp, params: await resolveParams(pp.params, `${path}[${i}].paths[${j}].params`, object, ctx) } : pp)));
      }
      return out;
    }),
  );
}

async function resolveValueFrom(from: unknown, path: string, object: KubeObject, ctx: SyncContext): Promise<string> {
  if (!isObject(from)) throw invalidSpec('InvalidSpec', `${path}: must be an object with secretKeyRef or configMapKeyRef`);
  const kinds = Object.keys(from);
  const unknown = kinds.filter((k) => k !== 'secretKeyRef' && k !== 'configMapKeyRef');
  if (unknown.length) throw invalidSpec('InvalidSpec', `${path}: unknown field(s) ${unknown.join(', ')} (expected secretKeyRef or configMapKeyRef)`);
  if (kinds.length !== 1) throw invalidSpec('InvalidSpec', `${path}: requires exactly one of secretKeyRef or configMapKeyRef`);
  const kind = kinds[0] as 'secretKeyRef' | 'configMapKeyRef';
  const ref = from[kind];
  const at = `${path}.${kind}`;
  if (!isObject(ref)) throw invalidSpec('InvalidSpec', `${at}: must be an object with name and key`);
  const extra = Object.keys(ref).filter((k) => k !== 'name' && k !== 'key' && k !== 'namespace');
  if (extra.length) throw invalidSpec('InvalidSpec', `${at}: unknown field(s) ${extra.join(', ')} (expected name, key, namespace)`);
  const name = typeof ref.name === 'string' ? ref.name.trim() : '';
  const key = typeof ref.key === 'string' ? ref.key.trim() : '';
  if (!name || !key) throw invalidSpec('InvalidSpec', `${at}: requires non-empty name and key`);
  const ns = object.metadata.namespace ?? 'default';
  if (ref.namespace !== undefined && (typeof ref.namespace !== 'string' || (ref.namespace.trim() !== '' && ref.namespace.trim() !== ns))) {
    throw invalidSpec('InvalidSpec', `${at}.namespace: must be the resource's own namespace (${ns}); apim-sync reads no other namespace's Secrets or ConfigMaps for a resource`);
  }
  return readKey({ ...(kind === 'secretKeyRef' ? SECRET : CONFIG_MAP), namespace: ns, name }, key, at, ctx);
}
