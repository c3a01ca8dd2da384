import { z } from 'zod';
import { CONTEXT, METHOD, Policy, Resilience, UpstreamDefinition, VERSION } from '../schemas.ts';

const URL_PATTERN = /^https?:\/\/[a-zA-Z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/;
const PATH = /^\/[a-zA-Z0-9\-._~!$&'()*+,;=:@%/{}[\]]*$/;

/** `upstream.main` / `.sandbox`: a URL or a reference to an upstreamDefinition, exactly one (the CRD's CEL rule). */
const Upstream = z
  .looseObject({ url: z.string().regex(URL_PATTERN, 'must be an http(s) URL').optional(), ref: z.string().optional(), hostRewrite: z.enum(['auto', 'manual']).optional() })
  .refine((u) => (u.url !== undefined) !== (u.ref !== undefined), { message: 'exactly one of url or ref must be set' });

const Operation = z
  .looseObject({
    method: METHOD.optional(),
    path: z.string().regex(PATH, `must match ${PATH.source}`).optional(),
    match: z
      .looseObject({
        method: METHOD,
        path: z.looseObject({ value: z.string().regex(PATH, `must match ${PATH.source}`), type: z.enum(['Exact', 'PathPrefix']).optional() }),
        headers: z.array(z.looseObject({ name: z.string(), value: z.string(), type: z.enum(['Exact', 'RegularExpression']).optional() })).optional(),
      })
      .optional(),
    policies: z.array(Policy).optional(),
    resilience: Resilience.optional(),
  })
  .refine((o) => (o.method !== undefined && o.path !== undefined) || o.match !== undefined, { message: 'an operation needs method and path, or match' });

/** The gateway operator's RestApi spec (APIConfigData). */
export const RestApiSpec = z.looseObject({
  displayName: z.string().regex(/^[a-zA-Z0-9\s\-_.]+$/, 'only letters, digits, spaces, hyphens, underscores and dots'),
  version: VERSION,
  context: CONTEXT,
  upstream: z.looseObject({ main: Upstream, sandbox: Upstream.optional() }),
  upstreamDefinitions: z.array(UpstreamDefinition).optional(),
  vhosts: z.looseObject({ main: z.string(), sandbox: z.string().optional() }).optional(),
  policies: z.array(Policy).optional(),
  resilience: Resilience.optional(),
  operations: z.array(Operation).min(1),
});
export type RestApiSpec = z.output<typeof RestApiSpec>;
