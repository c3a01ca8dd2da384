/**
 * How many 3scale admin API calls the 3scale operator makes for the same objects, computed from its algorithm as
 * the anchor note records it (`/work/shared/anchors/threescale-operator.md`, "the anchor" below), step by step
 * with the anchor section each count comes from. Nothing here is measured: the operator is not run.
 */

export interface OperatorStep {
  step: string;
  calls: number;
  source: string;
}

export interface OperatorCount {
  total: number;
  /** True when the anchor gives only part of the calls: the total is a lower bound. */
  atLeast: boolean;
  steps: OperatorStep[];
}

/** The tenant at the time of the reconcile: lists the operator pages through. */
export interface TenantSize {
  services: number;
  backendApis: number;
}

type Ref = { systemName?: string; backend?: string };
type Plan = { limits?: { metricMethodRef?: Ref }[]; pricingRules?: { metricMethodRef?: Ref }[] };
/** The parts of a Product spec (capabilities.3scale.net/v1beta1) the count depends on. */
export interface ProductShape {
  backendUsages?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  methods?: Record<string, unknown>;
  mappingRules?: unknown[];
  applicationPlans?: Record<string, Plan>;
  deployment?: Record<string, { authentication?: { oidc?: { authenticationFlow?: unknown }; [method: string]: unknown } } | undefined>;
}
/** The parts of a Backend spec the count depends on. */
export interface BackendShape {
  metrics?: Record<string, unknown>;
  methods?: Record<string, unknown>;
  mappingRules?: unknown[];
}

const PAGING = 'anchor §c Pagination: PGC lists with per_page=500 and stops at the first page with fewer than 500 items';

/** Pages the porta client reads for a list of `n` items (a full last page costs one more, empty, page). */
export const pgcPages = (n: number): number => Math.floor(n / 500) + 1;

/** Backends a Product's limits and pricing rules name (`metricMethodRef.backend`): their metrics are read to resolve ids. */
function backendsNamedByPlans(spec: ProductShape): Set<string> {
  const plans = Object.values(spec.applicationPlans ?? {});
  return new Set(plans.flatMap((p) => [...(p.limits ?? []), ...(p.pricingRules ?? [])]).map((r) => r.metricMethodRef?.backend).filter((b): b is string => !!b));
}

const oidcFlowsSet = (spec: ProductShape) => Object.values(spec.deployment ?? {}).some((d) => d?.authentication?.oidc?.authenticationFlow !== undefined);

/**
 * One Product reconcile that finds 3scale as the resource says (the anchor's "Steady-state calls for one Product
 * reconcile", end of §c, "roughly 9 + 2×plans + backend-metric pages"): read-only.
 */
export function operatorProductResync(spec: ProductShape, tenant: TenantSize): OperatorCount {
  const plans = Object.keys(spec.applicationPlans ?? {}).length;
  const named = backendsNamedByPlans(spec).size;
  const steps: OperatorStep[] = [
    { step: 'GET services (find by system_name)', calls: pgcPages(tenant.services), source: `anchor §b Product "3scale identity"; ${PAGING}` },
    { step: 'GET backend_apis (backend index for SyncBackendUsage)', calls: pgcPages(tenant.backendApis), source: 'anchor §b Product task 2; §c steady-state list' },
    { step: 'GET backend_usages', calls: 1, source: 'anchor §c steady-state list (PGC does not page backend_usages)' },
    { step: 'GET proxy', calls: 1, source: 'anchor §b Product task 3; §c steady-state list' },
    { step: 'GET metrics', calls: 1, source: 'anchor §b Product task 5; product metrics are not paginated (§c)' },
    { step: 'GET hits methods', calls: 1, source: 'anchor §b Product task 4; §c steady-state list' },
    { step: 'GET mapping_rules', calls: 1, source: 'anchor §b Product task 6; §c steady-state list' },
    { step: 'GET application_plans', calls: 1, source: 'anchor §b Product task 7; §c steady-state list' },
    { step: 'GET policies', calls: 1, source: 'anchor §b Product task 8; §c steady-state list' },
    { step: 'GET oidc_configuration (only with authenticationFlow)', calls: oidcFlowsSet(spec) ? 1 : 0, source: 'anchor §b Product task 9; §c steady-state list' },
    { step: 'per plan: GET limits + GET pricing_rules', calls: 2 * plans, source: 'anchor §b Product task 7; §c steady-state list "per plan"' },
    { step: 'per backend a limit or pricing rule names: GET backend metrics', calls: named, source: 'anchor §b Product task 7 ("resolved through the backend\'s metrics"); §c "per referenced backend"' },
  ];
  return { total: steps.reduce((n, s) => n + s.calls, 0), atLeast: false, steps };
}

/** One Backend reconcile with nothing changed: the anchor's "A Backend reconcile costs ≈ 4 + pages" (end of §c). */
export function operatorBackendResync(_spec: BackendShape, tenant: TenantSize): OperatorCount {
  const steps: OperatorStep[] = [
    { step: 'GET backend_apis (find by system_name)', calls: pgcPages(tenant.backendApis), source: `anchor §b Backend "Identity"; ${PAGING}` },
    { step: 'GET backend methods (hits children)', calls: 1, source: 'anchor §b Backend tasks (SyncMethods); paged list, one page here' },
    { step: 'GET backend metrics', calls: 1, source: 'anchor §b Backend tasks (SyncMetrics); paged list, one page here' },
    { step: 'GET backend mapping_rules', calls: 1, source: 'anchor §b Backend tasks (SyncMappingRules); paged list, one page here' },
  ];
  return { total: steps.reduce((n, s) => n + s.calls, 0), atLeast: false, steps };
}

const size = (o: Record<string, unknown> | unknown[] | undefined) => (Array.isArray(o) ? o.length : Object.keys(o ?? {}).length);

/**
 * A Product's first sync, as a lower bound: the reads of one reconcile plus one create per 3scale object
 * (service, usage, method, metric, mapping rule, plan, limit, pricing rule), as the anchor's task list creates
 * them one by one (§b Product tasks 1–7, §c endpoint table: every create is one POST). Not counted, because the
 * anchor does not settle them: the PUTs of a just-created service, proxy and plans, re-lists after deletions,
 * and the further passes that a status update or a requeue starts. The tenant is the size it has after the
 * product's own create.
 */
export function operatorProductFirstSync(spec: ProductShape, tenant: TenantSize): OperatorCount {
  const plans = Object.values(spec.applicationPlans ?? {});
  const reads = operatorProductResync(spec, tenant);
  const creates: OperatorStep[] = [
    { step: 'POST services', calls: 1, source: 'anchor §b Product "3scale identity"' },
    { step: 'POST backend_usages', calls: size(spec.backendUsages), source: 'anchor §b Product task 2' },
    { step: 'POST methods', calls: size(spec.methods), source: 'anchor §b Product task 4' },
    { step: 'POST metrics (hits exists)', calls: size(spec.metrics), source: 'anchor §b Product task 5' },
    { step: 'POST mapping_rules', calls: size(spec.mappingRules), source: 'anchor §b Product task 6' },
    { step: 'POST application_plans', calls: plans.length, source: 'anchor §b Product task 7' },
    { step: 'POST limits', calls: plans.reduce((n, p) => n + size(p.limits), 0), source: 'anchor §b Product task 7' },
    { step: 'POST pricing_rules', calls: plans.reduce((n, p) => n + size(p.pricingRules), 0), source: 'anchor §b Product task 7' },
  ];
  const steps = [...reads.steps, ...creates];
  return { total: steps.reduce((n, s) => n + s.calls, 0), atLeast: true, steps };
}

/** A Backend's first sync, as a lower bound: one reconcile's reads plus one create per object (anchor §b Backend). */
export function operatorBackendFirstSync(spec: BackendShape, tenant: TenantSize): OperatorCount {
  const creates: OperatorStep[] = [
    { step: 'POST backend_apis', calls: 1, source: 'anchor §b Backend "Create with system_name, name, private_endpoint"' },
    { step: 'POST backend methods', calls: size(spec.methods), source: 'anchor §b Backend tasks (SyncMethods)' },
    { step: 'POST backend metrics (hits exists)', calls: size(spec.metrics), source: 'anchor §b Backend tasks (SyncMetrics)' },
    { step: 'POST backend mapping_rules', calls: size(spec.mappingRules), source: 'anchor §b Backend tasks (SyncMappingRules)' },
  ];
  const steps = [...operatorBackendResync(spec, tenant).steps, ...creates];
  return { total: steps.reduce((n, s) => n + s.calls, 0), atLeast: true, steps };
}
