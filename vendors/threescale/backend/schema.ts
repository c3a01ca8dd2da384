import { z } from 'zod';
import { HITS, MappingRule, Method, Metric } from '../metric-schemas.ts';
import { defaultSystemName } from '../system-name.ts';

/** The 3scale operator's Backend spec (capabilities.3scale.net/v1beta1), with its defaults and Validate() rules. */
export const BackendSpec = z
  .looseObject({
    name: z.string().min(1),
    systemName: z.string().optional(),
    privateBaseURL: z.string().regex(/^(https?|wss?):\/\/.*$/, 'must be an http(s) or ws(s) URL'),
    description: z.string().optional(),
    metrics: z.record(z.string(), Metric).optional(),
    methods: z.record(z.string(), Method).optional(),
    mappingRules: z.array(MappingRule).optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .superRefine((spec, ctx) => {
    for (const name of Object.keys(spec.methods ?? {})) {
      if (spec.metrics?.[name] || name === 'hits') ctx.addIssue({ code: 'custom', path: ['methods', name], message: 'system names must be unique across metrics and methods' });
    }
    const known = new Set(['hits', ...Object.keys(spec.metrics ?? {}), ...Object.keys(spec.methods ?? {})]);
    (spec.mappingRules ?? []).forEach((r, i) => {
      if (!known.has(r.metricMethodRef)) ctx.addIssue({ code: 'custom', path: ['mappingRules', i, 'metricMethodRef'], message: `no metric or method "${r.metricMethodRef}"` });
    });
  })
  .transform((spec) => ({
    ...spec,
    systemName: spec.systemName || defaultSystemName(spec.name),
    metrics: { hits: HITS, ...spec.metrics } as Record<string, z.infer<typeof Metric>>,
    methods: spec.methods ?? {},
    mappingRules: spec.mappingRules ?? [],
  }));
export type BackendSpec = z.output<typeof BackendSpec>;
