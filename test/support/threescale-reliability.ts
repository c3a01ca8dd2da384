import type { ReliabilityCase } from './reliability-cases.ts';
import type { SyncPlaneOptions } from '../../local/sync-plane.ts';
import { TENANT, THREESCALE, useThreescaleWorld, type ThreescaleWorld } from './threescale-e2e.ts';

/**
 * Backend, Product and DeveloperAccount as the 3scale reliability tests use them: each with its create and update
 * call, a spec change and where 3scale shows it. A DeveloperAccount signs up with its admin DeveloperUser, which
 * `prepare` applies first.
 */
export interface ThreescaleReliabilityCase extends ReliabilityCase<ThreescaleWorld> {
  create: { method: string; path: RegExp };
  update: { method: string; path: RegExp };
  prepare(name: string): Promise<void>;
  change(name: string): Record<string, unknown>;
  changed(name: string): boolean;
}

/** A 3scale resource named `name` in the test namespace. */
export const resource = (kind: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: THREESCALE, kind, metadata: { name }, spec });
const backend = (name: string, description = 'first') => resource('Backend', name, { name: `Backend ${name}`, privateBaseURL: 'https://api.example.com', description });
const product = (name: string, description = 'first') => resource('Product', name, { name: `Product ${name}`, description });
const account = (name: string, monthlyBillingEnabled = true) => resource('DeveloperAccount', name, { orgName: `Org ${name}`, monthlyBillingEnabled });

/** The password of the admin DeveloperUser of the account named `account`. */
export const adminPassword = (account: string) => `pw-${account}-admin-Rq52`;

/** The admin DeveloperUser (and its password Secret) a DeveloperAccount named `account` signs up with. */
export async function applyAdminUser(w: ThreescaleWorld, account: string, spec: Record<string, unknown> = {}): Promise<void> {
  const name = `${account}-admin`;
  await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password: adminPassword(account) } });
  await w.apply(resource('DeveloperUser', name, { username: name, email: `${name}@example.com`, passwordCredentialsRef: { name }, developerAccountRef: { name: account }, role: 'admin', ...spec }));
}

function threescaleReliabilityCases(world: () => ThreescaleWorld): ThreescaleReliabilityCase[] {
  const state = () => world().threescale.state;
  const none = async () => {};
  return [
    {
      world,
      kind: 'Backend',
      condition: 'Synced',
      make: (name) => backend(name),
      copies: (name) => state().list(TENANT, 'backends', (b) => b.name === `Backend ${name}`).length,
      create: { method: 'POST', path: /^\/admin\/api\/backend_apis\.json$/ },
      update: { method: 'PUT', path: /^\/admin\/api\/backend_apis\/\d+\.json$/ },
      prepare: none,
      change: (name) => backend(name, 'changed'),
      changed: (name) => state().list(TENANT, 'backends', (b) => b.name === `Backend ${name}`)[0]?.description === 'changed',
    },
    {
      world,
      kind: 'Product',
      condition: 'Synced',
      make: (name) => product(name),
      copies: (name) => state().list(TENANT, 'products', (p) => p.name === `Product ${name}`).length,
      create: { method: 'POST', path: /^\/admin\/api\/services\.json$/ },
      update: { method: 'PUT', path: /^\/admin\/api\/services\/\d+\.json$/ },
      prepare: none,
      change: (name) => product(name, 'changed'),
      changed: (name) => state().list(TENANT, 'products', (p) => p.name === `Product ${name}`)[0]?.description === 'changed',
    },
    {
      world,
      kind: 'DeveloperAccount',
      condition: 'Ready',
      make: (name) => account(name),
      copies: (name) => state().list(TENANT, 'accounts', (a) => a.org_name === `Org ${name}`).length,
      create: { method: 'POST', path: /^\/admin\/api\/signup\.json$/ },
      update: { method: 'PUT', path: /^\/admin\/api\/accounts\/\d+\.json$/ },
      prepare: (name) => applyAdminUser(world(), name),
      change: (name) => account(name, false),
      changed: (name) => state().list(TENANT, 'accounts', (a) => a.org_name === `Org ${name}`)[0]?.monthly_billing_enabled === false,
    },
  ];
}

/** One world per test file with the cases, each prepared (admin users) for the resource names the file uses. */
export function useThreescaleCases(names: string[], opts: Partial<SyncPlaneOptions> = {}): { readonly w: ThreescaleWorld; cases: ThreescaleReliabilityCase[] } {
  let world: ThreescaleWorld;
  const cases = threescaleReliabilityCases(() => world);
  useThreescaleWorld(async (started) => {
    world = started;
    for (const c of cases) for (const name of names) await c.prepare(name);
  }, opts);
  return {
    get w() {
      return world;
    },
    cases,
  };
}
