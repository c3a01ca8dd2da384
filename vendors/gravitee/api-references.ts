import { missingReference } from '../../shared/engine/errors.ts';
import type { SyncContext } from '../../shared/engine/kind.ts';
import { renderTemplates } from '../../shared/engine/templates.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { GROUP_NOT_FOUND } from './conditions.ts';
import { describeRef, refTo } from './references.ts';
import { ApiResourceType, GroupType, NotificationType, SharedPolicyGroupType } from './resource-types.ts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((s): s is string => typeof s === 'string');

/** What goes to APIM, and what resolving it noted for the user's eyes (ExternalClient.notes). */
export interface ApiPayload {
  body: Record<string, unknown>;
  notes?: Record<string, string>;
}

/** The policy APIM runs a shared policy group through, as GKO writes a step that references one. */
export const SHARED_POLICY_GROUP_POLICY = 'shared-policy-group-policy';

/**
 * An API's references resolved into its APIM body, as GKO does before importing (its apidefinition controller's
 * api_resources, api_shared_policy_groups, groups and notification steps):
 * - `resources[].ref` → the ApiResource's name, type, configuration and enabled, its templates rendered in its namespace;
 * - v4 only: a flow step's `sharedPolicyGroupRef` (API flows and plans' flows) → policy `shared-policy-group-policy`
 *   with the group's `status.crossId` and hrid, so the API waits until the group is synced;
 * - `groupRefs` → the Groups' `spec.name`s appended to `groups`; a missing Group is skipped and noted (GroupNotFound);
 * - `notificationsRefs` → the first console notification for API events, as `consoleNotification` (v4) or
 *   `consoleNotificationConfiguration` (v2); none without references, as GKO clears it.
 * A missing ApiResource, shared policy group or Notification is a missing reference naming the field; the watcher
 * re-syncs the API when it appears or changes. `body` already has plans as APIM takes them (a list for both versions).
 */
export async function resolveApiReferences(object: KubeObject, spec: Json, body: Json, ctx: SyncContext): Promise<ApiPayload> {
  const ns = object.metadata.namespace ?? 'default';
  const v4 = object.kind === 'ApiV4Definition';
  const notes: string[] = [];
  // The API's groups and its console notification's often name the same Group: read once.
  const groupsRead = new Map<string, Promise<KubeObject | undefined>>();
  const groupNames = async (refs: unknown, field: string): Promise<string[]> => {
    const names: string[] = [];
    for (const [i, r] of list(refs).entries()) {
      const ref = refTo(GroupType, r, ns);
      if (!ref) throw missingReference(`${field}[${i}]: a Group reference needs a name`);
      const key = `${ref.namespace}/${ref.name}`;
      if (!groupsRead.has(key)) groupsRead.set(key, ctx.cluster.get(ref));
      const group = await groupsRead.get(key);
      const name = isObject(group?.spec) ? group.spec.name : undefined;
      if (typeof name === 'string' && name) names.push(name);
      else notes.push(`Group ${ref.namespace}/${ref.name} could not be found`);
    }
    return names;
  };

  const out: Json = { ...body };
  if (Array.isArray(body.resources)) out.resources = await Promise.all(body.resources.map((r, i) => inlineResource(r, i, ns, ctx)));
  if (v4) {
    const spgs = new Map<string, Promise<Json>>();
    const step = (s: unknown, field: string) => sharedPolicyGroupStep(s, field, ns, ctx, spgs);
    if (Array.isArray(body.flows)) out.flows = await resolveFlows(body.flows, 'spec.flows', step);
    if (Array.isArray(body.plans)) {
      const keys = isObject(spec.plans) ? Object.keys(spec.plans) : [];
      out.plans = await Promise.all(
        body.plans.map(async (p, i) =>
          isObject(p) && Array.isArray(p.flows) ? { ...p, flows: await resolveFlows(p.flows, `spec.plans.${keys[i] ?? i}.flows`, step) } : p,
        ),
      );
    }
  }
  const groups = await groupNames(spec.groupRefs, 'spec.groupRefs');
  if (groups.length) out.groups = [...new Set([...strings(body.groups), ...groups])];
  delete out.consoleNotification;
  delete out.consoleNotificationConfiguration;
  const console = await consoleNotification(spec.notificationsRefs, ns, ctx);
  if (console) {
    const events = strings(console.apiEvents);
    const consoleGroups = [...strings(console.groups), ...(await groupNames(console.groupRefs, 'console.groupRefs'))];
    if (v4) out.consoleNotification = { events, groups: consoleGroups };
    else out.consoleNotificationConfiguration = { hooks: events, groups: consoleGroups, config_type: 'PORTAL', origin: 'KUBERNETES' };
  }
  return notes.length ? { body: out, notes: { [GROUP_NOT_FOUND]: [...new Set(notes)].join('; ') } } : { body: out };
}

/** An ApiResource reference replaced by the resource itself (an inline resource is kept as it is). */
async function inlineResource(resource: unknown, i: number, ns: string, ctx: SyncContext): Promise<unknown> {
  if (!isObject(resource) || resource.ref === undefined) return resource;
  const field = `spec.resources[${i}].ref`;
  const ref = refTo(ApiResourceType, resource.ref, ns);
  if (!ref) throw missingReference(`${field}: an ApiResource reference needs a name`);
  const found = await ctx.cluster.get(ref);
  if (!found) throw missingReference(`${field}: ${describeRef(ref)} not found`);
  const { spec } = await renderTemplates(isObject(found.spec) ? found.spec : {}, ref.namespace, (r) => ctx.readData(r), ctx.secrets);
  const missing = ['name', 'type', 'configuration'].filter((k) => spec[k] === undefined || spec[k] === '');
  if (missing.length) throw missingReference(`${field}: ${describeRef(ref)} has no ${missing.join(', ')}`);
  return { name: spec.name, type: spec.type, configuration: spec.configuration, enabled: spec.enabled ?? true };
}

type StepResolver = (step: unknown, field: string) => Promise<unknown>;

/** A flow's steps by phase (request, response, publish, subscribe, connect, interact…). */
const phasesOf = (flow: Json): [string, unknown[]][] => Object.entries(flow).filter((e): e is [string, unknown[]] => e[0] !== 'selectors' && Array.isArray(e[1]));

/** Every step of every phase of the flows. */
async function resolveFlows(flows: unknown[], field: string, step: StepResolver): Promise<unknown[]> {
  return Promise.all(
    flows.map(async (flow, i) => {
      if (!isObject(flow)) return flow;
      const out: Json = { ...flow };
      for (const [phase, steps] of phasesOf(flow)) out[phase] = await Promise.all(steps.map((s, j) => step(s, `${field}[${i}].${phase}[${j}]`)));
      return out;
    }),
  );
}

/**
 * A v4 body as APIM answers it: its shared policy group steps without `sharedPolicyGroupId`, which APIM rewrites from
 * the step's hrid and leaves out of its answers (what observe compares with APIM's state).
 */
export function withoutSharedPolicyGroupIds(body: Json): Json {
  const step = (s: unknown): unknown => {
    if (!isObject(s) || s.policy !== SHARED_POLICY_GROUP_POLICY || !isObject(s.configuration)) return s;
    const { sharedPolicyGroupId: _id, ...configuration } = s.configuration;
    return { ...s, configuration };
  };
  const flows = (all: unknown[]) => all.map((f) => (isObject(f) ? { ...f, ...Object.fromEntries(phasesOf(f).map(([phase, steps]) => [phase, steps.map(step)])) } : f));
  const out: Json = { ...body };
  if (Array.isArray(body.flows)) out.flows = flows(body.flows);
  if (Array.isArray(body.plans)) out.plans = body.plans.map((p) => (isObject(p) && Array.isArray(p.flows) ? { ...p, flows: flows(p.flows) } : p));
  return out;
}

/** A step naming a shared policy group becomes the policy that runs it, addressed by the group's crossId and hrid. */
async function sharedPolicyGroupStep(step: unknown, field: string, ns: string, ctx: SyncContext, cache: Map<string, Promise<Json>>): Promise<unknown> {
  if (!isObject(step) || step.sharedPolicyGroupRef === undefined) return step;
  const ref = refTo(SharedPolicyGroupType, step.sharedPolicyGroupRef, ns);
  if (!ref) throw missingReference(`${field}.sharedPolicyGroupRef: a SharedPolicyGroup reference needs a name`);
  const key = `${ref.namespace}/${ref.name}`;
  if (!cache.has(key)) cache.set(key, sharedPolicyGroupOf(ref, `${field}.sharedPolicyGroupRef`, ctx));
  const { sharedPolicyGroupRef: _r, ...rest } = step;
  // `enabled` is the CRD's default, applied again for a cluster whose CRD lacks it (APIM requires it).
  return { enabled: true, ...rest, name: ref.name, policy: SHARED_POLICY_GROUP_POLICY, configuration: await cache.get(key)! };
}

async function sharedPolicyGroupOf(ref: ObjectRef, field: string, ctx: SyncContext): Promise<Json> {
  const spg = await ctx.cluster.get(ref);
  if (!spg) throw missingReference(`${field}: ${describeRef(ref)} not found`);
  const crossId = spg.status?.crossId;
  if (typeof crossId !== 'string' || !crossId) throw missingReference(`${field}: ${describeRef(ref)} is not synced with APIM yet (no status.crossId)`);
  const spec = isObject(spg.spec) ? spg.spec : {};
  const hrid = typeof spec.hrid === 'string' && spec.hrid ? spec.hrid : `${ref.namespace}-${ref.name}`;
  return { sharedPolicyGroupId: crossId, hrid };
}

/** The first referenced Notification for API events in the console (GKO's admission allows one). */
async function consoleNotification(refs: unknown, ns: string, ctx: SyncContext): Promise<Json | undefined> {
  for (const [i, r] of list(refs).entries()) {
    const field = `spec.notificationsRefs[${i}]`;
    const ref = refTo(NotificationType, r, ns);
    if (!ref) throw missingReference(`${field}: a Notification reference needs a name`);
    const found = await ctx.cluster.get(ref);
    if (!found) throw missingReference(`${field}: ${describeRef(ref)} not found`);
    const spec = isObject(found.spec) ? found.spec : {};
    // The CRD defaults both; a resource written before the defaults existed may lack them.
    if ((spec.eventType ?? 'api') === 'api' && (spec.target ?? 'console') === 'console') return isObject(spec.console) ? spec.console : {};
  }
  return undefined;
}
