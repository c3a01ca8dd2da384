import { permanent, missingReference } from './errors.ts';
import { CONFIG_MAP, SECRET, type ObjectRef } from '../kube/object-ref.ts';

/**
 * GKO's templating: `[[ secret "name/key" ]]` and `[[ configmap "name/key" ]]` (double quotes or backticks)
 * anywhere in a spec string, resolved from the object's own namespace.
 */
const TEMPLATE = /\[\[\s*(secret|configmap)\s+(?:"([^"]*)"|`([^`]*)`)\s*\]\]/g;

export interface TemplateRef {
  source: 'secret' | 'configmap';
  name: string;
  key: string;
}

function parseArg(source: string, arg: string, path: string): TemplateRef {
  const parts = arg.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw permanent('CompileTemplateError', `spec${path}: template argument "${arg}" must be "name/key"`);
  }
  return { source: source as TemplateRef['source'], name: parts[0], key: parts[1] };
}

function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}.${k}`);
}

/** The Secrets and ConfigMaps a spec's templates read (for the watcher's dependency index). Malformed templates are skipped here. */
export function templateReferences(spec: unknown, namespace: string): ObjectRef[] {
  const refs = new Map<string, ObjectRef>();
  for (const [, s] of strings(spec)) {
    for (const m of s.matchAll(TEMPLATE)) {
      const [name] = (m[2] ?? m[3]).split('/');
      if (!name) continue;
      const type = m[1] === 'secret' ? SECRET : CONFIG_MAP;
      refs.set(`${type.kind}/${name}`, { ...type, namespace, name });
    }
  }
  return [...refs.values()];
}

export type TemplateSource = (ref: ObjectRef) => Promise<Record<string, string> | undefined>;

/**
 * Returns a copy of the spec with every template replaced. A missing Secret/ConfigMap is a reference error (it may
 * arrive later); a missing key is permanent until the spec or the source changes. Values taken from Secrets are added
 * to `secrets` (the sync's SyncContext.secrets), to be kept out of messages.
 */
export async function renderTemplates<T>(spec: T, namespace: string, read: TemplateSource, secrets?: Set<string>): Promise<{ spec: T; sources: ObjectRef[] }> {
  const cache = new Map<string, Record<string, string> | undefined>();
  const sources = new Map<string, ObjectRef>();
  const render = async (s: string, path: string): Promise<string> => {
    const matches = [...s.matchAll(TEMPLATE)];
    if (matches.length === 0) return s;
    let out = '';
    let last = 0;
    for (const m of matches) {
      const ref = parseArg(m[1], m[2] ?? m[3], path);
      const type = ref.source === 'secret' ? SECRET : CONFIG_MAP;
      const objRef = { ...type, namespace, name: ref.name };
      const cacheKey = `${type.kind}/${ref.name}`;
      if (!cache.has(cacheKey)) cache.set(cacheKey, await read(objRef));
      const data = cache.get(cacheKey);
      if (!data) throw missingReference(`spec${path}: ${ref.source} ${namespace}/${ref.name} not found`);
      sources.set(cacheKey, objRef);
      if (!(ref.key in data)) throw permanent('CompileTemplateError', `spec${path}: key "${ref.key}" not found in ${ref.source} ${namespace}/${ref.name}`);
      if (ref.source === 'secret') secrets?.add(data[ref.key]!);
      out += s.slice(last, m.index) + data[ref.key];
      last = m.index + m[0].length;
    }
    return out + s.slice(last);
  };
  const walk = async (value: unknown, path: string): Promise<unknown> => {
    if (typeof value === 'string') return render(value, path);
    if (Array.isArray(value)) return Promise.all(value.map((v, i) => walk(v, `${path}[${i}]`)));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = await walk(v, `${path}.${k}`);
      return out;
    }
    return value;
  };
  return { spec: (await walk(spec, '')) as T, sources: [...sources.values()] };
}
