/** Public types of the Gravitee APIM emulator. */
import type { CallRecord, ContractViolation } from '../common/records.ts';

export type { CallRecord, ContractViolation };
import type { Credentials, UserCredential } from './auth.ts';
import type { FaultRule } from '../common/faults.ts';
import type { ApiV2State, ApiV4State, ApplicationState, Json } from './store.ts';

export interface GraviteeEmulatorOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** orgId → envIds. Default `{ DEFAULT: ['DEFAULT'] }`. Unknown organizations/environments answer 404. */
  organizations?: Record<string, string[]>;
  /** HTTP Basic users. Default admin/admin. */
  users?: UserCredential[];
  /** Accepted bearer tokens. Default none. */
  tokens?: string[];
  /**
   * Extra mount points besides `/management` and `/automation`. A ManagementContext's `spec.path` replaces
   * both prefixes, so every route also answers under each extra prefix.
   */
  pathPrefixes?: string[];
  /** Fixed latency added to every response (benchmark). */
  latencyMs?: number;
  /** Folder of the published specs (`shared/specs` or `shared/specs/gravitee`); env APIM_SYNC_SPECS_DIR. */
  specsDir?: string;
  /** Bound of the `calls` log (oldest entries dropped in batches of about 1 000). Default 100 000. */
  maxCalls?: number;
}

export interface EmulatorState {
  apis(org: string, env: string): ApiV4State[];
  api(org: string, env: string, hrid: string): ApiV4State | undefined;
  applications(org: string, env: string): ApplicationState[];
  application(org: string, env: string, hrid: string): ApplicationState | undefined;
  /** Applications deleted through the API (APIM archives them). */
  archivedApplications(org: string, env: string): ApplicationState[];
  v2Apis(org: string, env: string): ApiV2State[];
  v2Api(org: string, env: string, id: string): ApiV2State | undefined;
  /** Drift made in the console: shallow-merges `patch` into the stored API (throws if unknown). */
  patchApi(org: string, env: string, hrid: string, patch: Json): void;
  patchApplication(org: string, env: string, hrid: string, patch: Json): void;
  patchV2Api(org: string, env: string, id: string, patch: Json): void;
  /** Deletions made in the console; false when there was nothing to delete. */
  deleteApi(org: string, env: string, hrid: string): boolean;
  deleteApplication(org: string, env: string, hrid: string): boolean;
  deleteV2Api(org: string, env: string, id: string): boolean;
  /** Declares a group (known to import validation by id or name); returns its id. */
  addGroup(org: string, env: string, name: string, id?: string): string;
  /** Declares a category key or id (known to import validation). */
  addCategory(org: string, env: string, keyOrId: string): void;
  /** Objects of another Automation collection (`groups`, `subscriptions`, `portals`, `portal-links`…). */
  objects(org: string, env: string, collection: string): Json[];
  /** One of them by HRID (and the parent's HRID for sub-collections, when HRIDs repeat across parents). */
  object(org: string, env: string, collection: string, hrid: string, parentHrid?: string): Json | undefined;
  /** Console drift on one of them (throws if unknown). */
  patchObject(org: string, env: string, collection: string, hrid: string, patch: Json, parentHrid?: string): void;
  /** Console deletion of one of them; false when there was nothing to delete. */
  deleteObject(org: string, env: string, collection: string, hrid: string, parentHrid?: string): boolean;
}

export interface GraviteeEmulator {
  url: string;
  faults: { inject(rule: FaultRule): void; clear(): void };
  /** Every request outside the published contract; tests assert it stays empty. */
  violations: ContractViolation[];
  /** Log of requests, bounded by `maxCalls`; may be cleared with `calls.length = 0`. */
  calls: CallRecord[];
  state: EmulatorState;
  /** Rotates credentials at run time; an omitted kind is kept. */
  setCredentials(c: Credentials): void;
  /** Empties state, faults, violations and calls, and restores the initial credentials. */
  reset(): void;
  close(): Promise<void>;
}
