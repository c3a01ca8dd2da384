/**
 * Test access to the emulator state: reads return copies in 3scale's wire shape; `patch`/`remove` change
 * objects the way an admin-portal user would (drift), without the API's validations or cascades.
 */
import type { Environment } from './proxy-configs.ts';
import { configsOf } from './proxy-configs.ts';
import { ALL_SCOPES, type AccessToken, type Tenant, type World } from './store.ts';
import { wire, type Rec, type Table } from './table.ts';

/** Collections of a tenant, by the names tests use (`products` are porta's services). */
export type Collection =
  | 'products' | 'backends' | 'metrics' | 'mappingRules' | 'backendUsages' | 'proxies' | 'proxyConfigs' | 'plans'
  | 'limits' | 'pricingRules' | 'activeDocs' | 'registryPolicies' | 'accounts' | 'users' | 'applications';

type Json = Record<string, unknown>;

export interface TenantSummary {
  name: string;
  id: number;
  adminUrl: string;
  state: string;
  /** Set when the tenant was deleted through the Master API (porta purges it 15 days later). */
  deletionScheduledAt?: string;
  tokens: string[];
}

export interface ThreescaleState {
  tenants(): TenantSummary[];
  /** Rows of a collection in wire shape (internal `_` keys dropped), optionally filtered. */
  list(tenant: string, collection: Collection, filter?: (row: Json) => boolean): Json[];
  get(tenant: string, collection: Collection, id: number): Json | undefined;
  productBySystemName(tenant: string, systemName: string): Json | undefined;
  backendBySystemName(tenant: string, systemName: string): Json | undefined;
  /** Metrics and methods of a product or backend (methods have `parent_id`). */
  metricsOf(tenant: string, owner: { product: number } | { backend: number }): Json[];
  mappingRulesOf(tenant: string, owner: { product: number } | { backend: number }): Json[];
  proxy(tenant: string, productId: number): Json | undefined;
  proxyConfigs(tenant: string, productId: number, environment: Environment): Json[];
  policies(tenant: string, productId: number): Json[] | undefined;
  oidc(tenant: string, productId: number): Json | undefined;
  applicationKeys(tenant: string, applicationId: number): string[];
  /** Admin-portal drift: shallow-merges into a stored object; throws for an unknown id. */
  patch(tenant: string, collection: Collection, id: number, patch: Json): void;
  /** Admin-portal deletion of one object (no cascade); false when there was nothing. */
  remove(tenant: string, collection: Collection, id: number): boolean;
  /** Replaces a product's policy chain as the admin portal would. */
  setPolicies(tenant: string, productId: number, chain: Json[]): void;
  /** Adds an access token to a tenant (e.g. read-only, or without `policy_registry`). */
  addAccessToken(tenant: string, value: string, scopes?: AccessToken['scopes'], permission?: AccessToken['permission']): void;
  revokeAccessToken(tenant: string, value: string): void;
  /** The next `count` signups of the tenant create the account but answer 409 (3scale-operator#1039). */
  failNextSignupsWithConflict(tenant: string, count?: number): void;
  /** Ends the 15-day deletion period: tenants scheduled for deletion disappear. */
  purgeScheduledTenants(): string[];
}

const TABLES: Record<Collection, keyof Tenant> = {
  products: 'services', backends: 'backends', metrics: 'metrics', mappingRules: 'mappingRules', backendUsages: 'backendUsages',
  proxies: 'proxies', proxyConfigs: 'proxyConfigs', plans: 'plans', limits: 'limits', pricingRules: 'pricingRules',
  activeDocs: 'activeDocs', registryPolicies: 'registryPolicies', accounts: 'accounts', users: 'users', applications: 'applications',
};

export function createStateApi(world: () => World): ThreescaleState {
  const tenantOf = (name: string): Tenant => {
    const t = name === 'master' ? world().master : world().tenants.get(name);
    if (!t) throw new Error(`unknown tenant ${name}`);
    return t;
  };
  const table = (name: string, c: Collection): Table<Rec> => tenantOf(name)[TABLES[c]] as Table<Rec>;
  const copy = (row: Rec | undefined): Json | undefined => (row ? structuredClone(wire(row)) : undefined);
  const ownerTest = (owner: { product: number } | { backend: number }) => (row: Rec) =>
    'product' in owner ? row._service === owner.product : row._backend === owner.backend;

  return {
    tenants: () =>
      [...world().tenants.values()].map((t) => ({
        name: t.name,
        id: t.account.id,
        adminUrl: t.url,
        state: String(t.account.state),
        deletionScheduledAt: t.account._deletionScheduledAt as string | undefined,
        tokens: [...t.tokens.keys()],
      })),
    list: (name, c, filter) => table(name, c).values().map((r) => copy(r)!).filter((r) => !filter || filter(r)),
    get: (name, c, id) => copy(table(name, c).get(id)),
    productBySystemName: (name, systemName) => copy(tenantOf(name).services.find((s) => s.system_name === systemName)),
    backendBySystemName: (name, systemName) => copy(tenantOf(name).backends.find((b) => b.system_name === systemName)),
    metricsOf: (name, owner) => tenantOf(name).metrics.filter(ownerTest(owner)).map((r) => copy(r)!),
    mappingRulesOf: (name, owner) =>
      tenantOf(name).mappingRules.filter(ownerTest(owner)).sort((a, b) => (a.position as number) - (b.position as number)).map((r) => copy(r)!),
    proxy: (name, productId) => copy(tenantOf(name).proxies.get(productId)),
    proxyConfigs: (name, productId, environment) => configsOf(tenantOf(name), productId, environment).map((r) => copy(r)!),
    policies: (name, productId) => structuredClone(tenantOf(name).policies.get(productId)?.chain as Json[] | undefined),
    oidc: (name, productId) => copy(tenantOf(name).oidc.get(productId)),
    applicationKeys: (name, applicationId) => [...((tenantOf(name).applications.get(applicationId)?._keys as string[] | undefined) ?? [])],
    patch(name, c, id, patch) {
      const row = table(name, c).get(id);
      if (!row) throw new Error(`${c} ${id} not found in tenant ${name}`);
      Object.assign(row, structuredClone(patch));
    },
    remove: (name, c, id) => table(name, c).delete(id),
    setPolicies(name, productId, chain) {
      const row = tenantOf(name).policies.get(productId);
      if (!row) throw new Error(`product ${productId} not found in tenant ${name}`);
      row.chain = structuredClone(chain);
    },
    addAccessToken(name, value, scopes = [...ALL_SCOPES], permission = 'rw') {
      tenantOf(name).tokens.set(value, { value, scopes, permission });
    },
    revokeAccessToken: (name, value) => void tenantOf(name).tokens.delete(value),
    failNextSignupsWithConflict(name, count = 1) {
      tenantOf(name).signupConflicts += count;
    },
    purgeScheduledTenants() {
      const purged: string[] = [];
      for (const t of world().tenants.values()) {
        if (t.account.state !== 'scheduled_for_deletion') continue;
        world().tenants.delete(t.name);
        world().master.accounts.delete(t.account.id);
        world().master.users.deleteWhere((u) => u._account === t.account.id);
        purged.push(t.name);
      }
      return purged;
    },
  };
}
