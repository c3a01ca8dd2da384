/** Public types of the 3scale emulator. */
import type { CallRecord as BaseCallRecord, ContractViolation } from '../common/records.ts';
import type { FaultRule } from '../common/faults.ts';
import type { ThreescaleState } from './state-api.ts';

export type { ContractViolation };

export interface TenantOption {
  name: string;
  /** Access token of the tenant's admin (all scopes, read-write). */
  adminToken: string;
}

export interface ThreescaleEmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Port of the master portal; default 0 (random). Tenant admin portals get random ports. */
  port?: number;
  /** Master API access token; default `master-token`. */
  masterToken?: string;
  /** Tenants created at start (and again on `reset()`). */
  tenants?: TenantOption[];
  /** Fixed latency added to every response (benchmark). */
  latencyMs?: number;
  /** Folder of the published specs (`shared/specs` or `shared/specs/threescale`); env APIM_SYNC_SPECS_DIR. */
  specsDir?: string;
  /** Bound of the `calls` log (oldest entries dropped in batches). Default 100 000. */
  maxCalls?: number;
}

export interface CallRecord extends BaseCallRecord {
  /** Tenant whose admin portal answered; undefined on the master portal. */
  tenant?: string;
}

export interface ThreescaleEmulator {
  /** Base URL of the master portal (Master API and the master's admin API). */
  url: string;
  /** Base URL of a tenant's admin portal: its own loopback port (throws for an unknown tenant). */
  adminUrl(tenant: string): string;
  faults: { inject(rule: FaultRule): void; clear(): void };
  /** Requests outside the published contract (answered 400) or not emulated (501); keep it empty. */
  violations: ContractViolation[];
  calls: CallRecord[];
  state: ThreescaleState;
  /** Empties all state, faults, violations and calls; recreates the initial tenants with the same ports. */
  reset(): void;
  close(): Promise<void>;
}

export type { FaultRule };
