/**
 * Discovery documents: /version, legacy /api and /apis (APIVersions, APIGroupList, APIGroup, APIResourceList) and
 * the aggregated apidiscovery.k8s.io/v2 form kubectl 1.32 asks for first. Built from the registry on each call,
 * so CRDs appear as soon as they are created.
 */
import { createHash } from 'node:crypto';
import { RESOURCE_VERBS, type ResourceType } from './resource-type.ts';
import type { Registry } from './registry.ts';
import { isNamespaceType } from './core-types.ts';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0', gitCommit: '70d3cc986aa8221cd1dfb1121852688902d3bf53', gitTreeState: 'clean', buildDate: '2024-12-11T17:58:09Z', goVersion: 'go1.23.3', compiler: 'gc', platform: 'linux/amd64' };

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** The aggregated media type the client accepts (best first), if any. */
export function aggregatedMediaType(accept: string | undefined): string | undefined {
  for (const part of (accept ?? '').split(',')) {
    const params = new Set(part.split(';').map((s) => s.trim().replace(/\s/g, '')));
    if (!params.has('as=APIGroupDiscoveryList') || !params.has('g=apidiscovery.k8s.io')) continue;
    if (params.has('v=v2')) return AGGREGATED_V2;
    if (params.has('v=v2beta1')) return AGGREGATED_V2BETA1;
  }
  return undefined;
}

const STATUS_VERBS = ['get', 'patch', 'update'];

function subresources(t: ResourceType): { name: string; verbs: string[] }[] {
  const subs: { name: string; verbs: string[] }[] = [];
  if (isNamespaceType(t)) subs.push({ name: 'finalize', verbs: ['update'] });
  for (const c of t.connectSubresources ?? []) subs.push(c);
  if (t.statusSubresource) subs.push({ name: 'status', verbs: STATUS_VERBS });
  return subs.sort((a, b) => (a.name < b.name ? -1 : 1));
}

const storageVersionHash = (t: ResourceType) => createHash('sha256').update(`${t.group}/${t.versions[0].name}/${t.kind}`).digest('base64').slice(0, 11);

export function apiResourceList(registry: Registry, group: string, version: string) {
  const resources = registry.resourcesOf(group, version).flatMap((t) => [
    {
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: RESOURCE_VERBS,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
      ...(t.categories.length ? { categories: t.categories } : {}),
      storageVersionHash: storageVersionHash(t),
    },
    ...subresources(t).map((s) => ({ name: `${t.resource}/${s.name}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: s.verbs })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

export function apiVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(g: { name: string; versions: string[] }) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.name}/${v}`, version: v }));
  return { name: g.name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: Registry) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().map(apiGroup) };
}

export function apiGroupDoc(registry: Registry, group: string) {
  const g = registry.groups().find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(g) } : undefined;
}

function discoveryVersion(registry: Registry, group: string, version: string) {
  return {
    version,
    resources: registry.resourcesOf(group, version).map((t) => {
      const responseKind = { group, version, kind: t.kind };
      return {
        resource: t.resource,
        responseKind,
        scope: t.namespaced ? 'Namespaced' : 'Cluster',
        singularResource: t.singular,
        verbs: RESOURCE_VERBS,
        ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
        ...(t.categories.length ? { categories: t.categories } : {}),
        ...(subresources(t).length ? { subresources: subresources(t).map((s) => ({ subresource: s.name, responseKind, verbs: s.verbs })) } : {}),
      };
    }),
    freshness: 'Current',
  };
}

/** apidiscovery.k8s.io APIGroupDiscoveryList for /api (legacy) or /apis (every group). */
export function aggregatedDiscovery(registry: Registry, legacy: boolean, mediaType: string) {
  const apiVersion = mediaType === AGGREGATED_V2 ? 'apidiscovery.k8s.io/v2' : 'apidiscovery.k8s.io/v2beta1';
  const items = legacy
    ? [{ metadata: { creationTimestamp: null }, versions: [discoveryVersion(registry, '', 'v1')] }]
    : registry.groups().map((g) => ({ metadata: { name: g.name, creationTimestamp: null }, versions: g.versions.map((v) => discoveryVersion(registry, g.name, v)) }));
  return { kind: 'APIGroupDiscoveryList', apiVersion, metadata: {}, items };
}
