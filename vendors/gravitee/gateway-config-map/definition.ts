import { childHrid } from '../hrid.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The gateway's spelling of an enum the CRD writes upper case (`KEY_LESS` → `key-less`), as GKO's Enum.ToGatewayDefinition. */
const gatewaySpelling = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase().replaceAll('_', '-') : v);

/**
 * Fields the gateway does not read that can be large (pages carry whole documents inline): left out so the
 * definition stays well inside a ConfigMap's 1 MiB. GKO writes them along.
 */
const PORTAL_ONLY = ['pages', 'portalNavigation', 'consoleNotification', 'consoleNotificationConfiguration'];

function flow(f: unknown): unknown {
  if (!isObject(f) || !Array.isArray(f.selectors)) return f;
  return { ...f, selectors: f.selectors.map((s) => (isObject(s) ? { ...s, type: gatewaySpelling(s.type) } : s)) };
}

function listener(l: unknown): unknown {
  if (!isObject(l)) return l;
  const entrypoints = list(l.entrypoints).map((e) => {
    if (!isObject(e)) return e;
    const { dlq, ...rest } = e;
    // GKO drops a dead letter queue without an endpoint; AUTO is the CRD's default quality of service.
    return { ...rest, qos: gatewaySpelling(e.qos ?? 'AUTO'), ...(isObject(dlq) && dlq.endpoint !== undefined ? { dlq } : {}) };
  });
  return { ...l, type: gatewaySpelling(l.type), entrypoints };
}

function endpointGroup(g: unknown): unknown {
  if (!isObject(g) || !isObject(g.loadBalancer)) return g;
  return { ...g, loadBalancer: { ...g.loadBalancer, type: gatewaySpelling(g.loadBalancer.type) } };
}

function withoutPortalFields(body: Json): Json {
  const out = { ...body };
  for (const f of PORTAL_ONLY) delete out[f];
  return out;
}

/**
 * The v4 gateway definition GKO writes into the ConfigMap (ApiV4Definition.ToGatewayDefinition), from the API as it
 * goes to APIM (references resolved): `definitionVersion` 4.0.0, `apiVersion` beside `version`, enums in the
 * gateway's spelling (API type, listener types, qos, load balancers, flow selectors, flow mode, plan security, mode
 * and status), and plans as a list named by their key, each with its id.
 */
export function gatewayDefinitionV4(body: Json, planKeys: string[], ids: { id: string; crossId?: string; planId(key: string): string }): Json {
  const plans = new Map(list(body.plans).filter(isObject).map((p) => [p.hrid, p]));
  const flowExecution = isObject(body.flowExecution) ? { ...body.flowExecution, mode: gatewaySpelling(body.flowExecution.mode) } : undefined;
  return {
    ...withoutPortalFields(body),
    id: ids.id,
    ...(ids.crossId ? { crossId: ids.crossId } : {}),
    apiVersion: body.version,
    definitionVersion: '4.0.0',
    definitionContext: { origin: 'KUBERNETES', syncFrom: 'MANAGEMENT', ...(isObject(body.definitionContext) ? body.definitionContext : {}) },
    type: gatewaySpelling(body.type),
    listeners: list(body.listeners).map(listener),
    endpointGroups: list(body.endpointGroups).map(endpointGroup),
    flows: list(body.flows).map(flow),
    ...(flowExecution ? { flowExecution } : {}),
    plans: planKeys.map((key) => {
      const plan = plans.get(childHrid(key)) ?? {};
      const security = isObject(plan.security) ? { ...plan.security, type: gatewaySpelling(plan.security.type) } : plan.security;
      return {
        ...plan,
        id: ids.planId(key),
        // GKO names a gateway plan by its key (GatewayDefinitionPlan.Name), not by its display name.
        name: key,
        ...(security ? { security } : {}),
        mode: gatewaySpelling(plan.mode ?? 'STANDARD'),
        status: gatewaySpelling(plan.status ?? 'PUBLISHED'),
        flows: list(plan.flows).map(flow),
      };
    }),
  };
}

/**
 * The v2 gateway definition GKO writes (the spec itself, in the gateway's v2 format): the import body with each
 * plan's id and its API's, and the definition version the gateway's v2 reader expects.
 */
export function gatewayDefinitionV2(body: Json, ids: { id: string; planId(plan: Json): string }): Json {
  return {
    ...withoutPortalFields(body),
    id: ids.id,
    gravitee: body.gravitee ?? '2.0.0',
    plans: list(body.plans).map((p) => (isObject(p) ? { ...p, id: ids.planId(p), api: ids.id } : p)),
  };
}
