import { z } from 'zod';
import { invalidSpec } from '../../../shared/engine/errors.ts';
import { formatIssues } from '../../../shared/engine/spec-validation.ts';
import { policyUuid } from './policy-uuid.ts';

/**
 * What bottom-up sync reads of a RestApi spec. Loose: the RestApi kind validates the whole spec against the CRD;
 * this checks only what an APIM import needs, naming the field when it is missing.
 */
const Policy = z.looseObject({ name: z.string().min(1), version: z.string().min(1), params: z.record(z.string(), z.unknown()).optional() });
const Operation = z
  .looseObject({
    method: z.string().optional(),
    path: z.string().optional(),
    match: z.looseObject({ method: z.string().min(1), path: z.looseObject({ value: z.string().min(1) }) }).optional(),
    policies: z.array(Policy).optional(),
  })
  .refine((o) => o.match !== undefined || (Boolean(o.method) && Boolean(o.path)), 'operation must set both method and path, or set match');
const Upstream = z.looseObject({ url: z.string().optional(), ref: z.string().optional() });
const UpstreamDefinition = z.looseObject({
  name: z.string().min(1),
  basePath: z.string().optional(),
  upstreams: z.array(z.looseObject({ url: z.string().min(1) })).min(1),
});
const BottomUpSpec = z.looseObject({
  displayName: z.string().min(1),
  version: z.string().min(1),
  context: z.string().startsWith('/'),
  upstream: z.looseObject({ main: Upstream, sandbox: Upstream.optional() }),
  upstreamDefinitions: z.array(UpstreamDefinition).optional(),
  operations: z.array(Operation).min(1),
  policies: z.array(Policy).optional(),
});
type BottomUpSpec = z.infer<typeof BottomUpSpec>;

/** A gateway policy as APIM's api.yaml lists it (`apiHubPolicies`, `operationHubPolicies`). */
export interface HubPolicy {
  policyName: string;
  policyId: string;
  policyVersion: string;
  policyType: null;
  parameters: Record<string, unknown>;
}

export interface ApiOperation {
  target: string;
  verb: string;
  policies: HubPolicy[];
}

/** The APIM API a RestApi stands for: identity, endpoints and resources. */
export interface ApiDefinition {
  name: string;
  version: string;
  context: string;
  productionUrl: string;
  sandboxUrl: string;
  operations: ApiOperation[];
  policies: HubPolicy[];
}

/**
 * The APIM side of a RestApi, as the gateway builds it (`buildAPIData`): name from `displayName`, `$version` in the
 * context replaced, endpoints from `upstream.main` (a `ref` resolved through `upstreamDefinitions`, which the gateway
 * does not do: it refuses such APIs), operations from the simple or `match` form.
 */
export function apiDefinition(rawSpec: unknown): ApiDefinition {
  const parsed = BottomUpSpec.safeParse(rawSpec ?? {});
  if (!parsed.success) throw invalidSpec('InvalidSpec', `cannot import into APIM: ${formatIssues(parsed.error.issues)}`);
  const spec = parsed.data;
  const productionUrl = upstreamUrl(spec, 'main');
  return {
    name: spec.displayName,
    version: spec.version,
    context: spec.context.replaceAll('$version', spec.version),
    productionUrl,
    // As the gateway: the sandbox gets the production URL unless the RestApi has its own sandbox upstream.
    sandboxUrl: spec.upstream.sandbox ? upstreamUrl(spec, 'sandbox') : productionUrl,
    operations: spec.operations.map((o) => ({
      target: o.match?.path.value ?? o.path!,
      verb: (o.match?.method ?? o.method!).toUpperCase(),
      policies: hubPolicies(o.policies),
    })),
    policies: hubPolicies(spec.policies),
  };
}

function upstreamUrl(spec: BottomUpSpec, which: 'main' | 'sandbox'): string {
  const upstream = spec.upstream[which]!;
  if (upstream.url) return upstream.url;
  const field = `spec.upstream.${which}`;
  if (!upstream.ref) throw invalidSpec('InvalidSpec', `cannot import into APIM: ${field}: set url or ref`);
  const def = spec.upstreamDefinitions?.find((d) => d.name === upstream.ref);
  if (!def) throw invalidSpec('InvalidSpec', `cannot import into APIM: ${field}.ref: no upstreamDefinitions entry named "${upstream.ref}"`);
  // The gateway routes to the first target (weights are reserved), under the definition's base path.
  return def.upstreams[0].url.replace(/\/+$/, '') + (def.basePath ?? '');
}

/**
 * Gateway policies in APIM's form: version `v1` → `1.0`, a deterministic id per name and version. A parameter given
 * by `valueFrom` (a Secret or ConfigMap key) is left out: its value stays in the cluster, and APIM's copy of a
 * gateway-enforced policy is descriptive.
 */
function hubPolicies(policies: z.infer<typeof Policy>[] | undefined): HubPolicy[] {
  return (policies ?? []).map((p) => {
    const version = apimPolicyVersion(p.version);
    return { policyName: p.name, policyId: policyUuid(p.name, version), policyVersion: version, policyType: null, parameters: withoutReferences(p.params ?? {}) };
  });
}

function apimPolicyVersion(version: string): string {
  const v = version.replace(/^v/, '');
  return v.includes('.') ? v : `${v}.0`;
}

function withoutReferences(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if ('valueFrom' in v) continue;
      out[k] = withoutReferences(v as Record<string, unknown>);
    } else out[k] = v;
  }
  return out;
}

/** A minimal OpenAPI 3.0 document of the operations (path parameters declared), as the gateway generates one. */
export function openApiDocument(def: ApiDefinition): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of def.operations) {
    const params = [...op.target.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    paths[op.target] ??= {};
    paths[op.target][op.verb.toLowerCase()] = { responses: { '200': { description: 'Successful response' } }, ...(params.length ? { parameters: params } : {}) };
  }
  return { openapi: '3.0.0', info: { title: def.name, version: def.version }, servers: [{ url: def.productionUrl }], paths };
}
