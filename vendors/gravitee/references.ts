import type { DependencyRef } from '../../shared/engine/kind.ts';
import { templateReferences } from '../../shared/engine/templates.ts';
import { CONFIG_MAP, SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';
import type { ResourceType } from '../../shared/kube/resources.ts';
import {
  ApiDefinitionType,
  ApiResourceType,
  ApiV4DefinitionType,
  ApplicationType,
  GroupType,
  ManagementContextType,
  NotificationType,
  PortalType,
  SharedPolicyGroupType,
} from './resource-types.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * A GKO reference `{name, namespace?}` as an object reference: the namespace defaults to the referencing object's,
 * as GKO resolves it. Undefined when malformed (the watcher calls this on every object, valid or not).
 */
export function refTo(type: Pick<ResourceType, 'apiVersion' | 'kind'>, ref: unknown, namespace: string): ObjectRef | undefined {
  if (!isObject(ref) || typeof ref.name !== 'string' || !ref.name) return undefined;
  const ns = typeof ref.namespace === 'string' && ref.namespace ? ref.namespace : namespace;
  return { apiVersion: type.apiVersion, kind: type.kind, namespace: ns, name: ref.name };
}

/** An object as messages name it: `Kind namespace/name`. */
export const describeRef = (ref: ObjectRef): string => `${ref.kind} ${ref.namespace}/${ref.name}`;

/** Every `sharedPolicyGroupRef` in an API's flows and its plans' flows, wherever the phase puts it. */
export function sharedPolicyGroupRefsOf(spec: Json): unknown[] {
  const found: unknown[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'sharedPolicyGroupRef') found.push(child);
        else walk(child);
      }
    }
  };
  walk(spec.flows);
  walk(spec.plans);
  return found;
}

/** The API kind a Subscription, PortalListing or Documentation names (`kind` defaults to ApiV4Definition, as in GKO). */
export function apiTypeOf(ref: unknown): ResourceType {
  const kind = isObject(ref) && typeof ref.kind === 'string' ? ref.kind.toLowerCase() : '';
  return kind === 'apidefinition' || kind === 'apidefinitions' ? ApiDefinitionType : ApiV4DefinitionType;
}

/** The Secret or ConfigMap holding an Application's client certificate (`ref.kind`: secrets, the default, or configmaps). */
export function certificateSourceOf(ref: unknown, namespace: string): ObjectRef | undefined {
  if (!isObject(ref) || typeof ref.name !== 'string' || !ref.name) return undefined;
  const kind = typeof ref.kind === 'string' ? ref.kind.toLowerCase() : 'secrets';
  const type = kind === 'configmaps' || kind === 'configmap' ? CONFIG_MAP : SECRET;
  return { ...type, namespace: typeof ref.namespace === 'string' && ref.namespace ? ref.namespace : namespace, name: ref.name };
}

/** What each kind reads besides its context and template sources. */
const OWN_REFERENCES: Record<string, (spec: Json, ns: string) => (DependencyRef | undefined)[]> = {
  ManagementContext: (spec, ns) => {
    const auth = isObject(spec.auth) ? spec.auth : {};
    const cloud = isObject(spec.cloud) ? spec.cloud : {};
    return [auth.secretRef, cloud.secretRef].map((r) => refTo(SECRET, r, ns));
  },
  ApiV4Definition: (spec, ns) => apiReferences(spec, ns),
  ApiDefinition: (spec, ns) => apiReferences(spec, ns),
  Application: (spec, ns) => {
    const tls = isObject(spec.settings) && isObject(spec.settings.tls) ? spec.settings.tls : {};
    const certs = [...list(tls.clientCertificates), tls.clientCertificate];
    return certs.map((c) => (isObject(c) ? certificateSourceOf(c.ref, ns) : undefined));
  },
  // Not mutual: the Subscription recounts its API's and Application's subscriptions itself (subscription/counter.ts).
  Subscription: (spec, ns) => [refTo(apiTypeOf(spec.api), spec.api, ns), refTo(ApplicationType, spec.application, ns)],
  Notification: (spec, ns) => list(isObject(spec.console) ? spec.console.groupRefs : undefined).map((r) => refTo(GroupType, r, ns)),
  PortalListing: (spec, ns) => [refTo(PortalType, spec.portalRef, ns), ...list(spec.apis).map((a) => (isObject(a) ? refTo(apiTypeOf(a.ref), a.ref, ns) : undefined))],
  PortalLink: (spec, ns) => [refTo(PortalType, spec.portalRef, ns)],
  Documentation: (spec, ns) => [refTo(PortalType, spec.portalRef, ns), refTo(ApiV4DefinitionType, spec.apiRef, ns)],
};

function apiReferences(spec: Json, ns: string): (ObjectRef | undefined)[] {
  return [
    ...list(spec.resources).map((r) => (isObject(r) ? refTo(ApiResourceType, r.ref, ns) : undefined)),
    ...sharedPolicyGroupRefsOf(spec).map((r) => refTo(SharedPolicyGroupType, r, ns)),
    ...list(spec.groupRefs).map((r) => refTo(GroupType, r, ns)),
    ...list(spec.notificationsRefs).map((r) => refTo(NotificationType, r, ns)),
  ];
}


/**
 * What a Gravitee object depends on: its ManagementContext, what its kind references (ApiResources, shared policy
 * groups, groups, notifications, the API and Application of a Subscription, the Portal or API of a listing, link or
 * page, certificate sources), and template sources. Pure and tolerant of malformed specs: the watcher calls it on
 * every object it sees, and the dependency index re-syncs an object when one of these changes.
 */
export function graviteeReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = isObject(obj.spec) ? obj.spec : {};
  const refs: DependencyRef[] = templateReferences(obj.spec, ns);
  const ctx = refTo(ManagementContextType, spec.contextRef, ns);
  if (ctx) refs.push(ctx);
  for (const r of OWN_REFERENCES[obj.kind]?.(spec, ns) ?? []) if (r) refs.push(r);
  return refs;
}

/** True when `obj` references `target` (used by deletion blockers: what still uses a context, resource or portal). */
export function references(obj: KubeObject, target: ObjectRef): boolean {
  return graviteeReferences(obj).some((r) => r.kind === target.kind && r.namespace === target.namespace && r.name === target.name);
}
