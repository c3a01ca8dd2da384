import type { KubeObject } from '../../../shared/kube/object-ref.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/**
 * Whether an APIGateway's `spec.apiSelector` selects a resource, as the operator's registry decides
 * (internal/registry/gateway_registry.go), with the CRD's defaults: scope Cluster when unset; Namespaced without
 * `namespaces` means the gateway's own namespace (the operator's selector and CRD say so; its registry matches
 * nothing then, which its own gateways never hit because the selector lists them); LabelSelector requires every
 * matchLabels pair and every matchExpressions requirement (In, NotIn, Exists, DoesNotExist; an unknown operator
 * matches nothing).
 */
export function selects(gateway: KubeObject, resource: KubeObject): boolean {
  const selector = obj(obj(gateway.spec).apiSelector);
  const scope = typeof selector.scope === 'string' && selector.scope ? selector.scope : 'Cluster';
  if (scope === 'Cluster') return true;
  if (scope === 'Namespaced') {
    const listed = Array.isArray(selector.namespaces) ? selector.namespaces.filter((n): n is string => typeof n === 'string' && n !== '') : [];
    const namespaces = listed.length ? listed : [gateway.metadata.namespace ?? 'default'];
    return namespaces.includes(resource.metadata.namespace ?? 'default');
  }
  if (scope === 'LabelSelector') return labelsMatch(selector, resource.metadata.labels ?? {});
  return false;
}

function labelsMatch(selector: Json, labels: Record<string, string>): boolean {
  for (const [key, value] of Object.entries(obj(selector.matchLabels))) if (labels[key] !== value) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions.map(obj) : [];
  return expressions.every((e) => expressionMatches(e, labels));
}

function expressionMatches(e: Json, labels: Record<string, string>): boolean {
  const key = String(e.key ?? '');
  const values = Array.isArray(e.values) ? e.values.map(String) : [];
  const exists = Object.hasOwn(labels, key);
  switch (e.operator) {
    case 'In':
      return exists && values.includes(labels[key]);
    case 'NotIn':
      return !exists || !values.includes(labels[key]);
    case 'Exists':
      return exists;
    case 'DoesNotExist':
      return !exists;
    default:
      return false;
  }
}

/** `<namespace>/<name>`, how gateways are named in annotations, status and messages. */
export const gatewayKey = (gateway: KubeObject): string => `${gateway.metadata.namespace ?? 'default'}/${gateway.metadata.name}`;

/**
 * The gateways that select a resource, in the order apim-sync picks from: by namespace, then name. The operator takes
 * the first match of a Go map, which is random; sorting makes the choice stable across syncs and replicas.
 */
export function selectingGateways(gateways: KubeObject[], resource: KubeObject): KubeObject[] {
  return gateways
    .filter((g) => selects(g, resource))
    .map((g) => [gatewayKey(g), g] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => g);
}
