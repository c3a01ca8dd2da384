import { z } from 'zod';
import { HITS, MappingRule, Method, Metric } from '../metric-schemas.ts';
import { defaultSystemName } from '../system-name.ts';

const Money = z.string().regex(/^\d+(\.\d{2})?$/, 'must be a decimal with two digits, e.g. 10.00');
/** A metric or method of the product, or of one of its backends when `backend` names it (by system name). */
const MetricRef = z.looseObject({ systemName: z.string().min(1), backend: z.string().optional() });
const Limit = z.looseObject({ period: z.enum(['eternity', 'year', 'month', 'week', 'day', 'hour', 'minute']), value: z.number().int(), metricMethodRef: MetricRef });
const PricingRule = z.looseObject({ from: z.number().int(), to: z.number().int(), pricePerUnit: Money, metricMethodRef: MetricRef });
const Plan = z.looseObject({
  name: z.string().optional(),
  appsRequireApproval: z.boolean().optional(),
  trialPeriod: z.number().int().min(0).optional(),
  setupFee: Money.optional(),
  costMonth: Money.optional(),
  published: z.boolean().optional(),
  limits: z.array(Limit).optional(),
  pricingRules: z.array(PricingRule).optional(),
});

const SecretRef = z.looseObject({ name: z.string().min(1), namespace: z.string().optional() });
const Status = z.number().int();
const GatewayResponse = z.looseObject({
  errorStatusAuthFailed: Status.optional(), errorHeadersAuthFailed: z.string().optional(), errorAuthFailed: z.string().optional(),
  errorStatusAuthMissing: Status.optional(), errorHeadersAuthMissing: z.string().optional(), errorAuthMissing: z.string().optional(),
  errorStatusNoMatch: Status.optional(), errorHeadersNoMatch: z.string().optional(), errorNoMatch: z.string().optional(),
  errorStatusLimitsExceeded: Status.optional(), errorHeadersLimitsExceeded: z.string().optional(), errorLimitsExceeded: z.string().optional(),
});
const Credentials = z.enum(['headers', 'query', 'authorization']);
const Common = { credentials: Credentials.optional(), security: z.looseObject({ hostHeader: z.string().optional(), secretToken: z.string().optional() }).optional(), gatewayResponse: GatewayResponse.optional() };
const Authentication = z.looseObject({
  userkey: z.looseObject({ authUserKey: z.string().optional(), ...Common }).optional(),
  appKeyAppID: z.looseObject({ appID: z.string().optional(), appKey: z.string().optional(), ...Common }).optional(),
  oidc: z
    .looseObject({
      issuerType: z.enum(['keycloak', 'rest']),
      issuerEndpoint: z.string().optional(),
      issuerEndpointRef: SecretRef.optional(),
      authenticationFlow: z
        .looseObject({ standardFlowEnabled: z.boolean(), implicitFlowEnabled: z.boolean(), serviceAccountsEnabled: z.boolean(), directAccessGrantsEnabled: z.boolean() })
        .optional(),
      jwtClaimWithClientID: z.string().optional(),
      jwtClaimWithClientIDType: z.enum(['plain', 'liquid']).optional(),
      ...Common,
    })
    .optional(),
});
const PublicURL = z.string().regex(/^https?:\/\/.*$/, 'must be an http(s) URL');
const Deployment = z.looseObject({
  apicastHosted: z.looseObject({ authentication: Authentication.optional() }).optional(),
  apicastSelfManaged: z.looseObject({ authentication: Authentication.optional(), stagingPublicBaseURL: PublicURL.optional(), productionPublicBaseURL: PublicURL.optional() }).optional(),
});
const Policy = z.looseObject({
  name: z.string().min(1),
  version: z.string().min(1),
  enabled: z.boolean(),
  configuration: z.record(z.string(), z.unknown()).optional(),
  configurationRef: SecretRef.optional(),
});

/** The operator's SetDefaults appends this when absent. */
const APICAST_POLICY = { name: 'apicast', version: 'builtin', enabled: true, configuration: {} };

const exactlyOne = (o: Record<string, unknown> | undefined, keys: string[]) => keys.filter((k) => o?.[k] !== undefined).length;

/** The 3scale operator's Product spec (capabilities.3scale.net/v1beta1), with its defaults and Validate() rules. */
export const ProductSpec = z
  .looseObject({
    name: z.string().min(1),
    systemName: z.string().optional(),
    description: z.string().optional(),
    deployment: Deployment.optional(),
    mappingRules: z.array(MappingRule).optional(),
    backendUsages: z.record(z.string(), z.looseObject({ path: z.string() })).optional(),
    metrics: z.record(z.string(), Metric).optional(),
    methods: z.record(z.string(), Method).optional(),
    applicationPlans: z.record(z.string(), Plan).optional(),
    policies: z.array(Policy).optional(),
    providerAccountRef: z.looseObject({ name: z.string().optional() }).optional(),
  })
  .superRefine((spec, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (spec.deployment && exactlyOne(spec.deployment, ['apicastHosted', 'apicastSelfManaged']) !== 1) issue(['deployment'], 'exactly one of apicastHosted and apicastSelfManaged');
    for (const mode of ['apicastHosted', 'apicastSelfManaged'] as const) {
      const auth = spec.deployment?.[mode]?.authentication;
      if (auth && exactlyOne(auth, ['userkey', 'appKeyAppID', 'oidc']) !== 1) issue(['deployment', mode, 'authentication'], 'exactly one of userkey, appKeyAppID and oidc');
      if (auth?.oidc && !auth.oidc.issuerEndpoint && !auth.oidc.issuerEndpointRef) issue(['deployment', mode, 'authentication', 'oidc', 'issuerEndpoint'], 'issuerEndpoint or issuerEndpointRef is required');
    }
    const friendly = new Map<string, string>();
    for (const [name, m] of [...Object.entries(spec.metrics ?? {}), ...Object.entries(spec.methods ?? {})]) {
      if (friendly.has(m.friendlyName)) issue([spec.metrics?.[name] ? 'metrics' : 'methods', name, 'friendlyName'], `friendly name "${m.friendlyName}" is already used by ${friendly.get(m.friendlyName)}`);
      friendly.set(m.friendlyName, name);
    }
    for (const name of Object.keys(spec.methods ?? {})) {
      if (spec.metrics?.[name] || name === 'hits') issue(['methods', name], 'system names must be unique across metrics and methods');
    }
    const local = new Set(['hits', ...Object.keys(spec.metrics ?? {}), ...Object.keys(spec.methods ?? {})]);
    (spec.mappingRules ?? []).forEach((r, i) => {
      if (!local.has(r.metricMethodRef)) issue(['mappingRules', i, 'metricMethodRef'], `no metric or method "${r.metricMethodRef}"`);
    });
    for (const [plan, p] of Object.entries(spec.applicationPlans ?? {})) {
      const seen = new Set<string>();
      (p.limits ?? []).forEach((l, i) => {
        const at = ['applicationPlans', plan, 'limits', i];
        if (!l.metricMethodRef.backend && !local.has(l.metricMethodRef.systemName)) issue([...at, 'metricMethodRef'], `no metric or method "${l.metricMethodRef.systemName}"`);
        const key = `${l.period}:${l.metricMethodRef.backend ?? ''}.${l.metricMethodRef.systemName}`;
        if (seen.has(key)) issue(at, `a limit for period ${l.period} on this metric already exists`);
        seen.add(key);
      });
      const ranges: { key: string; from: number; to: number }[] = [];
      (p.pricingRules ?? []).forEach((r, i) => {
        const at = ['applicationPlans', plan, 'pricingRules', i];
        if (!r.metricMethodRef.backend && !local.has(r.metricMethodRef.systemName)) issue([...at, 'metricMethodRef'], `no metric or method "${r.metricMethodRef.systemName}"`);
        if (r.from > r.to) issue([...at, 'from'], 'from must not be greater than to');
        const key = `${r.metricMethodRef.backend ?? ''}.${r.metricMethodRef.systemName}`;
        if (ranges.some((x) => x.key === key && x.from <= r.to && r.from <= x.to)) issue(at, 'pricing rule ranges overlap');
        ranges.push({ key, from: r.from, to: r.to });
      });
    }
  })
  .transform((spec) => {
    const policies = (spec.policies ?? []).map((p) => ({ ...p, configuration: p.configuration ?? {} }));
    if (!policies.some((p) => p.name === 'apicast')) policies.push(APICAST_POLICY);
    return {
      ...spec,
      systemName: spec.systemName || defaultSystemName(spec.name),
      metrics: { hits: HITS, ...spec.metrics } as Record<string, z.infer<typeof Metric>>,
      methods: spec.methods ?? {},
      mappingRules: spec.mappingRules ?? [],
      backendUsages: spec.backendUsages ?? {},
      applicationPlans: spec.applicationPlans ?? {},
      policies,
    };
  });
export type ProductSpec = z.output<typeof ProductSpec>;
export type PlanSpec = ProductSpec['applicationPlans'][string];
export type MetricRefSpec = z.infer<typeof MetricRef>;
export type AuthenticationSpec = z.infer<typeof Authentication>;
