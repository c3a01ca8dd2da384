import { z } from 'zod';
import { SecretValueSource } from './value-source.ts';

/**
 * Pieces the WSO2 gateway operator's CRDs share (infra/crds/gateway.api-platform.wso2.com_*.yaml), with the CRDs'
 * patterns and enums: everything the CRDs accept is accepted, and fields apim-sync never reads are passed through
 * to the gateway untouched (its management API then names what it refuses).
 */
const pattern = (re: RegExp) => z.string().regex(re, `must match ${re.source}`);

export const DURATION = pattern(/^\d+(\.\d+)?(ms|s|m|h)$/);
/** The CRDs' version pattern (semver-like; the gateway itself takes `vN.N` and says so when it refuses). */
export const VERSION = pattern(/^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/);
export const CONTEXT = pattern(/^\/([a-zA-Z0-9\-._~!$&'()*+,;=:@%/]*[^/])?$/);
/** A path without a trailing slash: an LLM or MCP kind's context, an upstream definition's basePath. */
export const BASE_PATH = pattern(/^\/[a-zA-Z0-9\-._~!$&'()*+,;=:@%/]*[^/]$/);
export const METHOD = z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
/** The LLM kinds' methods, `*` for any. */
export const LLM_METHOD = z.enum([...METHOD.options, '*']);
export const POLICY_VERSION = pattern(/^v\d+$/);

export const Resilience = z.looseObject({ timeout: DURATION.optional(), idleTimeout: DURATION.optional() });

/** A policy with free-form params (preserved unknown fields in the CRD); `valueFrom` in params is resolved at sync time. */
export const Policy = z.looseObject({
  name: z.string().min(1),
  version: POLICY_VERSION,
  executionCondition: z.string().optional(),
  params: z.unknown().optional(),
});

export const UpstreamDefinition = z.looseObject({
  name: pattern(/^[a-zA-Z0-9\-_]+$/).max(100),
  basePath: BASE_PATH.optional(),
  timeout: z.looseObject({ connect: DURATION.optional() }).optional(),
  upstreams: z.array(z.looseObject({ url: z.string(), weight: z.number().int().min(0).max(100).optional() })).min(1),
});

/** Upstream credentials (api-key type) whose value the gateway takes on writes and never returns. */
export const UpstreamAuth = z.looseObject({ type: z.literal('api-key'), header: z.string().optional(), value: SecretValueSource });

/** An LLM or MCP upstream: a URL or a reference to an upstreamDefinition, with optional credentials. */
export const LlmUpstream = z.looseObject({
  url: z.string().optional(),
  ref: z.string().optional(),
  hostRewrite: z.enum(['auto', 'manual']).optional(),
  auth: UpstreamAuth.optional(),
});

/** An LLM kind's policy: params per path (`policies[].paths[].params`). */
export const LlmPolicy = z.looseObject({
  name: z.string().min(1),
  version: POLICY_VERSION,
  paths: z.array(z.looseObject({ path: z.string(), methods: z.array(LLM_METHOD), params: z.unknown().optional() })),
});

export const DeploymentState = z.enum(['deployed', 'undeployed']);
