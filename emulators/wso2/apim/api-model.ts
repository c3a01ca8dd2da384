/**
 * Builds the Publisher's `API` object from what a client supplied (an archive's api.yaml `data`, or a test's
 * foreign API): APIM's defaults for what is absent, the identity fields it controls, operations derived from the
 * definition and `additionalProperties` also keyed by name. `null`s are dropped first: APIM reads api.yaml with
 * Gson, for which a null is an absent field.
 */
import { additionalPropertiesMap, operationsOf } from './api-views.ts';

type Json = Record<string, unknown>;

/** The fields APIM decides: identity, lifecycle and times. */
export interface ApiIdentity {
  id: string;
  name: string;
  version: string;
  context: string;
  provider: string;
  lifeCycleStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
}

export function apiObject(supplied: Json, definition: Json, identity: ApiIdentity): Json {
  const data = withoutNulls(supplied) as Json;
  const additionalProperties = Array.isArray(data.additionalProperties) ? data.additionalProperties : [];
  const api: Json = {
    type: 'HTTP',
    transport: ['http', 'https'],
    policies: ['Unlimited'],
    visibility: 'PUBLIC',
    ...data,
    ...identity,
    isRevision: false,
    revisionId: 0,
    workflowStatus: 'APPROVED',
    hasThumbnail: false,
    additionalProperties,
    additionalPropertiesMap: additionalPropertiesMap(additionalProperties),
    operations: operationsOf(definition, data.operations),
  };
  delete api.revisionedApiId;
  return api;
}

/** APIM stores a context with a leading slash whatever the client sent. */
export function normalizeContext(context: unknown): string {
  const text = String(context ?? '').trim();
  return text.startsWith('/') ? text : `/${text}`;
}

export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}
