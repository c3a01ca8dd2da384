/** In-memory state of the emulated 3scale: the master account, its tenants and each tenant's objects. */
import { createHash } from 'node:crypto';
import { Table, type Rec } from './table.ts';

/** Scopes a porta access token may carry. */
export type Scope = 'account_management' | 'policy_registry' | 'analytics' | 'finance' | 'cms';

export interface AccessToken {
  value: string;
  scopes: Scope[];
  permission: 'ro' | 'rw';
}

export const ALL_SCOPES: Scope[] = ['account_management', 'policy_registry', 'analytics', 'finance', 'cms'];

/** One tenant (provider account): its admin portal listener and everything it owns. */
export interface Tenant {
  name: string;
  /** The provider account, as the Master API and `signup.account` show it. */
  account: Rec;
  port: number;
  url: string;
  tokens: Map<string, AccessToken>;
  /**
   * The provider key: the user key of the tenant's application on master (`GET /admin/api/accounts/{id}/applications`
   * on the master portal). porta also authenticates the tenant's admin API with it, as the account, without a user.
   */
  providerKey?: string;
  services: Table<Rec>;
  backends: Table<Rec>;
  /** Metrics and methods of services (`_service`) and backends (`_backend`); methods have `parent_id`. */
  metrics: Table<Rec>;
  /** Mapping rules of services (`_service`) and backends (`_backend`). */
  mappingRules: Table<Rec>;
  backendUsages: Table<Rec>;
  /** Proxy of each service, keyed by service id (`id` = service id). */
  proxies: Table<Rec>;
  proxyConfigs: Table<Rec>;
  /** Policies chain of each service (`id` = service id, `chain`). */
  policies: Table<Rec>;
  oidc: Table<Rec>;
  plans: Table<Rec>;
  limits: Table<Rec>;
  pricingRules: Table<Rec>;
  activeDocs: Table<Rec>;
  registryPolicies: Table<Rec>;
  /** Developer (buyer) accounts of the tenant. */
  accounts: Table<Rec>;
  /** Users of developer accounts and of the provider account itself (`account_id`). */
  users: Table<Rec>;
  applications: Table<Rec>;
  /** Answer the next N signups with 409 although the account is created (3scale-operator#1039). */
  signupConflicts: number;
}

const EPOCH = Date.UTC(2024, 0, 1);

/** Everything the emulator holds; ids are global across tenants, as porta's database ids are. */
export class World {
  readonly tenants = new Map<string, Tenant>();
  readonly master: Tenant;
  /** Opens a listener for a new tenant's admin portal (set by the server). */
  openPortal?: () => Promise<{ port: number; url: string }>;
  private seq = 1;
  private tick = 0;
  private draws = 0;

  constructor(masterAccount: (world: World) => Tenant) {
    this.master = masterAccount(this);
  }

  nextId(): number {
    return this.seq++;
  }

  /** Logical clock: every write advances one second from 2024-01-01, so answers are deterministic. */
  now(): string {
    return new Date(EPOCH + 1000 * this.tick++).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Deterministic pseudo-random hex (keys, tokens): sha256 of a counter and a purpose. */
  randomHex(purpose: string, length = 32): string {
    return createHash('sha256').update(`${purpose}:${this.draws++}`).digest('hex').slice(0, length);
  }

  tenantById(id: number): Tenant | undefined {
    for (const t of this.tenants.values()) if (t.account.id === id) return t;
    return undefined;
  }

  tenantByPort(port: number): Tenant | undefined {
    for (const t of this.tenants.values()) if (t.port === port) return t;
    return undefined;
  }
}

export function emptyTenant(name: string, account: Rec, port: number, url: string): Tenant {
  return {
    name,
    account,
    port,
    url,
    tokens: new Map(),
    services: new Table(),
    backends: new Table(),
    metrics: new Table(),
    mappingRules: new Table(),
    backendUsages: new Table(),
    proxies: new Table(),
    proxyConfigs: new Table(),
    policies: new Table(),
    oidc: new Table(),
    plans: new Table(),
    limits: new Table(),
    pricingRules: new Table(),
    activeDocs: new Table(),
    registryPolicies: new Table(),
    accounts: new Table(),
    users: new Table(),
    applications: new Table(),
    signupConflicts: 0,
  };
}
