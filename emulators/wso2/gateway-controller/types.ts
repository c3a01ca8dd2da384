/** Public types of the WSO2 gateway controller emulator. */
import type { FaultRule } from '../../common/faults.ts';
import type { CallRecord, ContractViolation } from '../../common/records.ts';
import type { GatewayUser } from './auth.ts';
import type { InstalledPolicy } from './installed-policies.ts';
import type {
  Json,
  StoredApiKey,
  StoredArtifact,
  StoredCertificate,
  StoredPlan,
  StoredSecret,
  StoredSubscription,
  StoredTemplate,
} from './store.ts';

export type { CallRecord, ContractViolation, FaultRule, GatewayUser, InstalledPolicy };

export interface Wso2GatewayControllerOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** HTTP Basic users (`roles` default `['admin']`). Default admin/admin, as the Helm chart. */
  users?: GatewayUser[];
  /** Bearer tokens accepted as an IdP's JWTs without a role mapping (every route, no role check). */
  bearerTokens?: string[];
  /** `false`: authentication disabled (basic auth and IdP off): every request is accepted. Default true. */
  auth?: boolean;
  /** Fixed latency added to every answer (benchmarks). */
  latencyMs?: number;
  /** The gateway's id, answered as `gatewayId` of plans and subscriptions. Default `platform-gateway-id`. */
  gatewayId?: string;
  /**
   * Policies installed in the gateway image, checked when APIs reference them. Default the default
   * build's (`gateway/build.yaml`); `'any'` accepts every name at any major version.
   */
  policies?: InstalledPolicy[] | 'any';
  /** The router's default vhosts. Default `*` and `sandbox-*`, as the gateway's configuration. */
  defaultVhosts?: { main: string; sandbox?: string };
  /** API keys one user may hold per API. Default 10. */
  apiKeysPerUserPerApi?: number;
  /** Folder of the published specs (`emulators/specs`, its `wso2/` or `wso2/api-platform/`); env APIM_SYNC_SPECS_DIR. */
  specsDir?: string;
  /** Bound of the `calls` log. Default 100 000. */
  maxCalls?: number;
}

/** What the state API returns, per kind. Artifacts and templates are found by handle (or UUID), the others by id. */
export interface StateKinds {
  RestApi: StoredArtifact;
  LlmProvider: StoredArtifact;
  LlmProxy: StoredArtifact;
  Mcp: StoredArtifact;
  LlmProviderTemplate: StoredTemplate;
  /** Found by handle; carries the value (the HTTP list never does). */
  Secret: StoredSecret;
  /** Found by UUID; carries the key's SHA-256, never the key. */
  ApiKey: StoredApiKey;
  SubscriptionPlan: StoredPlan;
  Subscription: StoredSubscription;
  Certificate: StoredCertificate;
}

export type StateKind = keyof StateKinds;

export interface Wso2GatewayControllerState {
  /** Copies of the stored objects of a kind. */
  list<K extends StateKind>(kind: K): StateKinds[K][];
  get<K extends StateKind>(kind: K, id: string): StateKinds[K] | undefined;
  /**
   * A change made behind the API (drift): merged deeply into an artifact's or template's `resource`
   * (e.g. `{ spec: { context: '/moved' } }`), shallowly into the other kinds' records. Throws if unknown.
   */
  patch(kind: StateKind, id: string, changes: Json): void;
  /** A deletion made behind the API; false when there was nothing to delete. */
  remove(kind: StateKind, id: string): boolean;
}

export interface Wso2GatewayController {
  /** `http://host:port`. */
  url: string;
  /** The management API: `url` + `/api/management/v1`. */
  baseUrl: string;
  /** The credentials accepted (for printing and tests). */
  credentials: { users: GatewayUser[]; bearerTokens: string[]; auth: boolean };
  state: Wso2GatewayControllerState;
  faults: { inject(rule: FaultRule): void; clear(): void };
  /** `{method, path, status}` of every request (status 0 = connection dropped by a fault). */
  calls: CallRecord[];
  /** Requests outside the published contract (refused with a 400, 404 or 405); tests assert there are none. */
  violations(): ContractViolation[];
  /** Empties state (the built-in templates come back), faults, calls and violations. */
  reset(): void;
  close(): Promise<void>;
}
