import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import { CP_ANNOTATIONS } from '../control-plane/metadata.ts';

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
  const scope = scopeOf(selector);
  if (scope === 'Cluster') return true;
  if (scope === 'Namespaced') return selectedNamespaces(gateway, selector).includes(resource.metadata.namespace ?? 'default');
  if (scope === 'LabelSelector') return labelsMatch(selector, resource.metadata.labels ?? {});
  return false;
}

const scopeOf = (selector: Json): string => (typeof selector.scope === 'string' && selector.scope ? selector.scope : 'Cluster');

function selectedNamespaces(gateway: KubeObject, selector: Json): string[] {
  const listed = Array.isArray(selector.namespaces) ? selector.namespaces.filter((n): n is string => typeof n === 'string' && n !== '') : [];
  return listed.length ? listed : [gateway.metadata.namespace ?? 'default'];
}

/**
 * Where the resources an APIGateway may select are, as narrowly as the API server can list them (the operator's
 * countSelectedAPIs lists so): the namespaces of a Namespaced selector, or all (`namespaces` undefined); a
 * LabelSelector's requirements as a label selector, unless one cannot be written so (a key or value no label can
 * have, an operator without values), when every resource is listed and `selects` decides. What is listed is still
 * filtered with `selects`.
 */
export function selectionScope(gateway: KubeObject): { namespaces?: string[]; labelSelector?: string } {
  const selector = obj(obj(gateway.spec).apiSelector);
  const scope = scopeOf(selector);
  if (scope === 'Namespaced') return { namespaces: selectedNamespaces(gateway, selector) };
  if (scope !== 'LabelSelector') return {};
  const requirements = [
    ...Object.entries(obj(selector.matchLabels)).map(([key, value]) => (isLabelKey(key) && typeof value === 'string' && isLabelValue(value) ? `${key}=${value}` : undefined)),
    ...(Array.isArray(selector.matchExpressions) ? selector.matchExpressions.map((e) => requirementOf(obj(e))) : []),
  ];
  if (requirements.includes(undefined)) return {};
  return requirements.length ? { labelSelector: requirements.join(',') } : {};
}

function requirementOf(e: Json): string | undefined {
  const key = String(e.key ?? '');
  if (!isLabelKey(key)) return undefined;
  const values = Array.isArray(e.values) ? e.values.map(String) : [];
  const set = values.length && values.every(isLabelValue) ? `(${values.join(',')})` : undefined;
  switch (e.operator) {
    case 'In':
      return set && `${key} in ${set}`;
    case 'NotIn':
      return set && `${key} notin ${set}`;
    case 'Exists':
      return key;
    case 'DoesNotExist':
      return `!${key}`;
    default:
      return undefined;
  }
}

// Kubernetes' label syntax (apimachinery validation): an optional DNS-subdomain prefix, and a name or value of up to 63.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const isLabelValue = (v: string) => v === '' || NAME.test(v);
function isLabelKey(k: string): boolean {
  const slash = k.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, k] : [k.slice(0, slash), k.slice(slash + 1)];
  return NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(prefix)));
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
 * The APIGateway a resource's `apim-sync.io/gateway` annotation names (a control plane's resources carry it), as
 * `<namespace>/<name>`: it wins over every apiSelector. A bare name is in the resource's namespace.
 */
export function namedGateway(resource: KubeObject): string | undefined {
  const named = resource.metadata.annotations?.[CP_ANNOTATIONS.gateway];
  if (!named) return undefined;
  return named.includes('/') ? named : `${resource.metadata.namespace ?? 'default'}/${named}`;
}

/**
 * The gateways that select a resource, in the order apim-sync picks from: those of its own namespace first, then by
 * namespace and name. The operator takes the first match of a Go map, which is random; this makes the choice stable
 * across syncs and replicas, and a team's own gateway wins over a cluster-wide one of another namespace.
 */
export function selectingGateways(gateways: KubeObject[], resource: KubeObject): KubeObject[] {
  // A gateway of the resource's own namespace first (the nearest owner of the choice), then by namespace/name.
  const rank = (g: KubeObject) => `${g.metadata.namespace === resource.metadata.namespace ? 0 : 1}/${gatewayKey(g)}`;
  return gateways
    .filter((g) => selects(g, resource))
    .map((g) => [rank(g), g] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => g);
}
