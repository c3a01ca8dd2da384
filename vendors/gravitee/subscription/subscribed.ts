import { invalidSpec, missingReference } from '../../../shared/engine/errors.ts';
import { refOf, type KubeObject, type ObjectRef } from '../../../shared/kube/object-ref.ts';
import { childHrid, hridOf } from '../hrid.ts';
import type { ResolvedContext } from '../management-api.ts';
import { contextOf } from '../management-context/resolve.ts';
import { describeRef } from '../references.ts';
import { ApiDefinitionType } from '../resource-types.ts';
import { apimIds, planCrossId } from '../api-definition/ids.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const specOf = (obj: KubeObject): Json => (isObject(obj.spec) ? obj.spec : {});
const statusOf = (obj: KubeObject): Json => obj.status ?? {};

/** The security types GKO lets a subscription use (a keyless plan takes no subscription). */
const SUBSCRIBABLE = ['API_KEY', 'JWT', 'OAUTH2', 'MTLS'];

/** A plan of the subscribed API, by its key: a v4 plan map's key, a v2 plan's name (GKO's GetPlan). */
export interface SubscribedPlan {
  key: string;
  security: string;
}

/**
 * The API a Subscription names, as GKO reads it: a v4 one is addressed by its hrid, or by its UUID when it has a
 * legacy `spec.id` (then plans go by id too); a v2 one is always a UUID-managed object (Management v1 import).
 */
export class SubscribedApi {
  readonly ref: ObjectRef;
  readonly object: KubeObject;
  readonly v2: boolean;

  constructor(object: KubeObject) {
    this.object = object;
    this.ref = refOf(object);
    this.v2 = object.kind === ApiDefinitionType.kind;
  }

  get contextRef(): ObjectRef | undefined {
    return contextOf(this.object);
  }

  /** Synced from the cluster rather than from APIM (GKO: IsSyncFromManagement false): it takes no subscription. */
  get syncedFromKubernetes(): boolean {
    const spec = specOf(this.object);
    const syncFrom = isObject(spec.definitionContext) ? spec.definitionContext.syncFrom : undefined;
    return this.v2 ? spec.local === true && syncFrom !== 'MANAGEMENT' : syncFrom !== undefined && syncFrom !== 'MANAGEMENT';
  }

  get stopped(): boolean {
    return specOf(this.object).state === 'STOPPED';
  }

  /** In APIM: its sync reported the id APIM gave it. */
  get synced(): boolean {
    return Boolean(str(statusOf(this.object).id));
  }

  /** True when the Automation API addresses it (and its plans) by UUID: `hridContainsApiUUID`. */
  get legacy(): boolean {
    return this.v2 || Boolean(str(specOf(this.object).id));
  }

  /** A v2 API's ids as the ApiDefinition kind derives them, from the crossId APIM holds first (status). */
  private v2Ids(context: ResolvedContext): { id: string; crossId: string } {
    const spec = specOf(this.object);
    return apimIds(this.object, { id: str(spec.id), crossId: str(statusOf(this.object).crossId) ?? str(spec.crossId) }, context);
  }

  /** The API's HRID in the Automation API's subscription path. */
  hrid(context: ResolvedContext): string {
    const spec = specOf(this.object);
    if (!this.v2) return str(spec.id) ?? hridOf(this.object);
    return str(statusOf(this.object).id) ?? this.v2Ids(context).id;
  }

  plan(key: string): SubscribedPlan | undefined {
    const spec = specOf(this.object);
    if (this.v2) {
      const plan = (Array.isArray(spec.plans) ? (spec.plans as Json[]) : []).find((p) => p.name === key);
      return plan && { key, security: normalized(plan.security) };
    }
    const plan = isObject(spec.plans) ? spec.plans[key] : undefined;
    return isObject(plan) ? { key, security: normalized(isObject(plan.security) ? plan.security.type : undefined) } : undefined;
  }

  planKeys(): string[] {
    const plans = specOf(this.object).plans;
    if (Array.isArray(plans)) return plans.filter(isObject).map((p) => String(p.name));
    return isObject(plans) ? Object.keys(plans) : [];
  }

  /** The plan's HRID in the body: its hrid, or for a legacy API the id APIM gave it (in the API's status). */
  planHrid(key: string, context: ResolvedContext): string {
    if (!this.legacy) return childHrid(key);
    const plans = isObject(statusOf(this.object).plans) ? (statusOf(this.object).plans as Json) : {};
    let id: string | undefined;
    if (this.v2) {
      const plan = (specOf(this.object).plans as Json[]).find((p) => p.name === key)!;
      id = str(plans[planCrossId(this.v2Ids(context).crossId, { name: key, crossId: str(plan.crossId) })]);
    } else {
      id = str(plans[childHrid(key)]);
    }
    if (!id) throw missingReference(`spec.plan: ${describeRef(this.ref)} has no id for plan [${key}] in its status yet`);
    return id;
  }
}

/** CRD spellings of a security type (api-key, Api_Key…) as the Automation API's enum. */
const normalized = (v: unknown): string => String(v ?? '').toUpperCase().replaceAll('-', '_');

/** The Application a Subscription names: addressed by its hrid, or by UUID with a legacy `spec.id` (`hridContainsAppUUID`). */
export class SubscribingApplication {
  readonly ref: ObjectRef;
  readonly object: KubeObject;

  constructor(object: KubeObject) {
    this.object = object;
    this.ref = refOf(object);
  }

  get contextRef(): ObjectRef | undefined {
    return contextOf(this.object);
  }

  get synced(): boolean {
    return Boolean(str(statusOf(this.object).id));
  }

  get legacy(): boolean {
    return Boolean(str(specOf(this.object).id));
  }

  get hrid(): string {
    return str(specOf(this.object).id) ?? hridOf(this.object);
  }

  private get settings(): Json {
    const settings = specOf(this.object).settings;
    return isObject(settings) ? settings : {};
  }

  /** A simple application without a client id cannot take a JWT or OAuth2 plan (an OAuth one gets its id from APIM). */
  get lacksClientId(): boolean {
    const app = this.settings.app;
    return isObject(app) && !str(app.clientId);
  }

  get hasClientCertificate(): boolean {
    const tls = this.settings.tls;
    if (!isObject(tls)) return false;
    return Boolean(tls.clientCertificate) || (Array.isArray(tls.clientCertificates) && tls.clientCertificates.length > 0);
  }

  /** End dates of its client certificates (`endsAt`), where given. */
  get certificateEnds(): number[] {
    const tls = this.settings.tls;
    const certs = isObject(tls) && Array.isArray(tls.clientCertificates) ? (tls.clientCertificates as unknown[]) : [];
    return certs.filter(isObject).map((c) => Date.parse(String(c.endsAt ?? ''))).filter((t) => !Number.isNaN(t));
  }
}

/**
 * GKO's admission rules that still hold at sync time, each a permanent False condition naming the field: the API is
 * synced from APIM and both sides use the same context; the plan exists, takes subscriptions, takes API keys only if
 * it is an API_KEY plan, and the application has what the plan needs (a client id, a client certificate lasting until
 * the end date). The rules for what is new (a started API, dates in the future) are the kind's `checkNewDates`.
 */
export function checkSubscribable(api: SubscribedApi, app: SubscribingApplication, spec: { plan: string; endingAt?: string; apiKeys?: unknown[] }): SubscribedPlan {
  if (api.syncedFromKubernetes) {
    throw invalidSpec('InvalidSpec', `spec.api: ${describeRef(api.ref)} is synced from Kubernetes (definitionContext.syncFrom): subscriptions need an API synced from the management API`);
  }
  const apiContext = api.contextRef;
  if (!apiContext) throw invalidSpec('InvalidSpec', `spec.api: ${describeRef(api.ref)} has no contextRef: a subscription goes to APIM through its API's ManagementContext`);
  const appContext = app.contextRef;
  if (!appContext) throw invalidSpec('InvalidSpec', `spec.application: ${describeRef(app.ref)} has no contextRef`);
  if (appContext.namespace !== apiContext.namespace || appContext.name !== apiContext.name) {
    throw invalidSpec(
      'InvalidSpec',
      `spec.application: ${describeRef(app.ref)} uses ManagementContext ${appContext.namespace}/${appContext.name} and spec.api: ${describeRef(api.ref)} uses ${apiContext.namespace}/${apiContext.name}; they must use the same one`,
    );
  }
  const plan = api.plan(spec.plan);
  if (!plan) {
    const keys = api.planKeys();
    throw invalidSpec('InvalidSpec', `spec.plan: ${describeRef(api.ref)} has no plan [${spec.plan}] (${keys.length ? `its plans: ${keys.join(', ')}` : 'it has no plan'})`);
  }
  if (!SUBSCRIBABLE.includes(plan.security)) {
    throw invalidSpec('InvalidSpec', `spec.plan: plan [${plan.key}] is ${plan.security || 'without security type'}; only ${SUBSCRIBABLE.join(', ')} plans take subscriptions`);
  }
  if (spec.apiKeys?.length && plan.security !== 'API_KEY') {
    throw invalidSpec('InvalidSpec', `spec.apiKeys: only for an API_KEY plan; plan [${plan.key}] is ${plan.security}`);
  }
  if ((plan.security === 'JWT' || plan.security === 'OAUTH2') && app.lacksClientId) {
    throw invalidSpec('InvalidSpec', `spec.application: ${describeRef(app.ref)} has no settings.app.clientId, which a ${plan.security} plan needs`);
  }
  if (plan.security === 'MTLS') {
    if (!app.hasClientCertificate) throw invalidSpec('InvalidSpec', `spec.application: ${describeRef(app.ref)} has no client certificate (settings.tls), which an MTLS plan needs`);
    const ends = app.certificateEnds;
    if (spec.endingAt && ends.length && !ends.some((end) => end > Date.parse(spec.endingAt!))) {
      throw invalidSpec('InvalidSpec', `spec.endingAt: ${spec.endingAt} is after the end of every client certificate of ${describeRef(app.ref)}`);
    }
  }
  return plan;
}

/** Both ends synced to APIM, else the subscription waits for them (the watcher wakes it when they change). */
export function checkSynced(api: SubscribedApi, app: SubscribingApplication): void {
  if (!api.synced) throw missingReference(`spec.api: ${describeRef(api.ref)} is not in APIM yet (no status.id)`);
  if (!app.synced) throw missingReference(`spec.application: ${describeRef(app.ref)} is not in APIM yet (no status.id)`);
}
