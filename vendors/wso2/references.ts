import type { DependencyRef } from '../../shared/engine/kind.ts';
import { templateReferences } from '../../shared/engine/templates.ts';
import { CONFIG_MAP, SECRET, type KubeObject, type ObjectRef } from '../../shared/kube/object-ref.ts';
import { ANNOTATIONS } from './gateway/annotations.ts';
import { APIGatewayType, LlmProviderTemplateType, LlmProviderType, RestApiType, SubscriptionPlanType, WSO2_API_VERSION } from './resource-types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
const nameOf = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * Every APIGateway, as one name: each resource references it and each APIGateway answers to it (an alias), so an
 * APIGateway appearing, changing or becoming Ready wakes the resources waiting for a gateway — the operator's
 * enqueueAllOfKind — and a resource going lets a deleting APIGateway proceed.
 */
export const ALL_GATEWAYS: ObjectRef = { ...APIGatewayType, namespace: '*', name: '*' };

/**
 * The Secrets and ConfigMaps a spec reads through `valueFrom`: a SecretKeySelector (`valueFrom: {name, key}`) or a
 * policy parameter's `valueFrom: {secretKeyRef | configMapKeyRef: {name, key}}`, in the resource's namespace.
 */
function valueFromReferences(spec: unknown, namespace: string): ObjectRef[] {
  const refs = new Map<string, ObjectRef>();
  const add = (type: typeof SECRET | typeof CONFIG_MAP, name: string | undefined) => name && refs.set(`${type.kind}/${name}`, { ...type, namespace, name });
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!isObject(v)) return;
    const from = v.valueFrom;
    if (isObject(from)) {
      if (isObject(from.secretKeyRef)) add(SECRET, nameOf(from.secretKeyRef.name));
      if (isObject(from.configMapKeyRef)) add(CONFIG_MAP, nameOf(from.configMapKeyRef.name));
      add(SECRET, nameOf(from.name));
    }
    Object.values(v).forEach(walk);
  };
  walk(spec);
  return [...refs.values()];
}

const wso2 = (kind: string, namespace: string, name: string | undefined): ObjectRef[] => (name ? [{ apiVersion: WSO2_API_VERSION, kind, namespace, name }] : []);

/** The resources of other WSO2 kinds a resource waits for: an ApiKey's parent, a Subscription's plan and API, an LLM provider's template, an LLM proxy's providers. */
function relatedResources(obj: KubeObject, ns: string): ObjectRef[] {
  const spec = isObject(obj.spec) ? obj.spec : {};
  switch (obj.kind) {
    case 'ApiKey': {
      const parent = isObject(spec.parentRef) ? spec.parentRef : {};
      const kind = nameOf(parent.kind);
      return kind && ['RestApi', 'LlmProvider', 'LlmProxy'].includes(kind) ? wso2(kind, ns, nameOf(parent.name)) : [];
    }
    case 'Subscription':
      return [...wso2(SubscriptionPlanType.kind, ns, nameOf(spec.subscriptionPlanId)), ...wso2(RestApiType.kind, ns, nameOf(spec.apiId))];
    case 'LlmProvider':
      return wso2(LlmProviderTemplateType.kind, ns, nameOf(spec.template));
    case 'LlmProxy': {
      const ids = [isObject(spec.provider) ? spec.provider.id : undefined, ...(Array.isArray(spec.additionalProviders) ? spec.additionalProviders.map((p) => (isObject(p) ? p.id : undefined)) : [])];
      return ids.flatMap((id) => wso2(LlmProviderType.kind, ns, nameOf(id)));
    }
    default:
      return [];
  }
}

/**
 * What a resource pushed to a gateway reads while syncing: every APIGateway (it may be selected by any), template and
 * valueFrom sources, and the resources of other kinds it waits for. Pure and tolerant of malformed specs: the watcher
 * calls it on every object it sees.
 */
export function managedReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  return [ALL_GATEWAYS, ...templateReferences(obj.spec, ns), ...valueFromReferences(obj.spec, ns), ...relatedResources(obj, ns)];
}

/** What an APIGateway reads: its values ConfigMap, its management credentials, its control plane's token and CA. */
export function apiGatewayReferences(obj: KubeObject): DependencyRef[] {
  const ns = obj.metadata.namespace ?? 'default';
  const spec = isObject(obj.spec) ? obj.spec : {};
  const cp = isObject(spec.controlPlane) ? spec.controlPlane : {};
  const secret = (name: string | undefined): ObjectRef[] => (name ? [{ ...SECRET, namespace: ns, name }] : []);
  return [
    ...(isObject(spec.configRef) && nameOf(spec.configRef.name) ? [{ ...CONFIG_MAP, namespace: ns, name: nameOf(spec.configRef.name)! }] : []),
    ...secret(nameOf(obj.metadata.annotations?.[ANNOTATIONS.managementCredentials])),
    ...secret(isObject(cp.tokenSecretRef) ? nameOf(cp.tokenSecretRef.name) : undefined),
    ...secret(isObject(cp.tls) && isObject(cp.tls.certSecretRef) ? nameOf(cp.tls.certSecretRef.name) : undefined),
  ];
}

export const apiGatewayAliases = (): ObjectRef[] => [ALL_GATEWAYS];
