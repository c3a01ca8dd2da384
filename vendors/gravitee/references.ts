import { templateReferences } from '../../shared/engine/templates.ts';
import { SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';
import { ManagementContextType } from './resource-types.ts';

interface RefSpec {
  contextRef?: { name?: unknown; namespace?: unknown };
  auth?: { secretRef?: { name?: unknown; namespace?: unknown } };
}

/**
 * What a Gravitee object depends on: its ManagementContext, the context's credentials Secret, and template sources.
 * Pure and tolerant of malformed specs: the watcher calls it on every object it sees.
 */
export function graviteeReferences(obj: KubeObject): ObjectRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = (obj.spec ?? {}) as RefSpec;
  const refs = templateReferences(obj.spec, ns);
  const ctx = spec.contextRef;
  if (ctx && typeof ctx.name === 'string' && ctx.name) {
    refs.push({ ...ManagementContextType, namespace: typeof ctx.namespace === 'string' && ctx.namespace ? ctx.namespace : ns, name: ctx.name });
  }
  const secret = spec.auth?.secretRef;
  if (obj.kind === 'ManagementContext' && secret && typeof secret.name === 'string' && secret.name) {
    refs.push({ apiVersion: SECRET.apiVersion, kind: SECRET.kind, namespace: typeof secret.namespace === 'string' && secret.namespace ? secret.namespace : ns, name: secret.name });
  }
  return refs;
}
