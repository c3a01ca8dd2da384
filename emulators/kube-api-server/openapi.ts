/**
 * OpenAPI v3 discovery (/openapi/v3 and /openapi/v3/{api|apis/group}/{version}). kubectl apply reads it to learn
 * that PATCH accepts `fieldValidation` and then leaves validation to the server; custom resource schemas are
 * included as components (x-kubernetes-group-version-kind), as kube-apiserver publishes them.
 */
import { createHash } from 'node:crypto';
import type { Registry } from './registry.ts';
import type { ResourceType } from './resource-type.ts';

const gvPath = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);

function groupVersions(registry: Registry): { group: string; version: string }[] {
  return [{ group: '', version: 'v1' }, ...registry.groups().flatMap((g) => g.versions.map((version) => ({ group: g.name, version })))];
}

export function openApiIndex(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions(registry)) {
    paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hashOf(openApiDocument(registry, group, version))}` };
  }
  return { paths };
}

const hashOf = (doc: unknown) => createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();

/** Reverse-domain schema name kube-apiserver uses for custom resources: io.gravitee.v1alpha1.ApiV4Definition. */
const schemaName = (t: ResourceType, version: string) => `${t.group.split('.').reverse().join('.')}.${version}.${t.kind}`;

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({ name, in: 'query', schema: { type: name === 'force' ? 'boolean' : 'string' }, uniqueItems: true }));

export function openApiDocument(registry: Registry, group: string, version: string): unknown | undefined {
  const types = registry.resourcesOf(group, version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group, version, kind: t.kind };
    const ref = { $ref: `#/components/schemas/${schemaName(t, version)}` };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const op = (action: string, extra: Record<string, unknown> = {}) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: ok, ...extra });
    const base = `/${gvPath(group, version)}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    paths[base] = { get: op('list'), post: op('post', { parameters: QUERY_PARAMS }) };
    paths[`${base}/{name}`] = {
      get: op('get'),
      put: op('put', { parameters: QUERY_PARAMS }),
      patch: op('patch', { parameters: QUERY_PARAMS }),
      delete: op('delete'),
    };
    if (t.statusSubresource) paths[`${base}/{name}/status`] = { get: op('get'), put: op('put', { parameters: QUERY_PARAMS }), patch: op('patch', { parameters: QUERY_PARAMS }) };
    const schema = t.versions.find((v) => v.name === version)?.schema;
    schemas[schemaName(t, version)] = { ...(schema ?? { type: 'object' }), 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}
