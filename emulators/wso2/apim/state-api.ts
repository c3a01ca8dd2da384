/** Test hooks over the API store: inspection, and APIs made in APIM by someone else. */
import { randomUUID } from 'node:crypto';
import { apiObject, normalizeContext } from './api-model.ts';
import type { ApiStore, StoredApi } from './apis-store.ts';
import { apiNotFound } from './errors.ts';
import type { ApiState, ForeignApiInput } from './types.ts';

type Json = Record<string, unknown>;

export function apiState(stored: StoredApi): ApiState {
  const api = structuredClone(stored.api);
  return {
    id: stored.id,
    name: String(api.name),
    version: String(api.version),
    context: String(api.context),
    provider: String(api.provider),
    additionalProperties: (api.additionalProperties ?? []) as ApiState['additionalProperties'],
    api,
    definition: structuredClone(stored.definition),
    revisions: stored.revisions.map((r) => ({
      id: r.id,
      number: r.number,
      description: r.description,
      createdTime: r.createdTime,
      deployments: r.deployments.map((d) => ({ environment: d.name, vhost: d.vhost, displayOnDevportal: d.displayOnDevportal, deployedTime: d.deployedTime })),
    })),
    deployments: stored.revisions.flatMap((r) =>
      r.deployments.map((d) => ({
        environment: d.name,
        vhost: d.vhost,
        displayOnDevportal: d.displayOnDevportal,
        deployedTime: d.deployedTime,
        revisionId: r.id,
        revisionNumber: r.number,
      })),
    ),
    subscriptions: stored.subscriptions,
  };
}

/** An API as the Publisher UI would have made it: APIM's own gateway type, no marker of any client. */
export function createForeignApi(store: ApiStore, input: ForeignApiInput): ApiState {
  const operations = input.operations ?? [{ target: '/*', verb: 'GET' }];
  const paths: Json = {};
  for (const o of operations) {
    const item = (paths[o.target] ??= {}) as Json;
    item[o.verb.toLowerCase()] = { responses: { '200': { description: 'OK' } } };
  }
  const definition: Json = { openapi: '3.0.1', info: { title: input.name, version: input.version }, paths };
  const url = input.endpointUrl ?? 'https://backend.example.com';
  const now = store.now();
  const supplied: Json = {
    endpointConfig: { endpoint_type: 'http', production_endpoints: { url }, sandbox_endpoints: { url } },
    additionalProperties: input.additionalProperties ?? [],
    gatewayType: input.gatewayType ?? 'wso2/synapse',
    gatewayVendor: 'wso2',
    initiatedFromGateway: input.initiatedFromGateway ?? false,
    securityScheme: ['oauth2'],
    operations,
  };
  const identity = {
    id: randomUUID(),
    name: input.name,
    version: input.version,
    context: normalizeContext(input.context),
    provider: input.provider ?? 'publisher',
    lifeCycleStatus: 'CREATED',
    createdTime: now,
    lastUpdatedTime: now,
  };
  const stored = store.add(apiObject(supplied, definition, identity), definition);
  stored.subscriptions = input.subscriptions ?? 0;
  if (input.deployTo?.length) {
    const revision = store.createRevision(stored, 'Revision created in the Publisher', false);
    store.deploy(stored, revision, input.deployTo.map((name) => ({ name })));
  }
  return apiState(stored);
}

export function subscribe(store: ApiStore, apiId: string, count: number): void {
  const stored = store.get(apiId);
  if (!stored) throw apiNotFound(apiId);
  stored.subscriptions += count;
}
