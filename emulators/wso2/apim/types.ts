/** Public types of the WSO2 API Manager 4.7 emulator. */
import type { IncomingMessage, RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FaultRule } from '../../common/faults.ts';
import type { CallRecord, ContractViolation } from '../../common/records.ts';
import type { GatewayEnvironment } from './apis-store.ts';
import type { PlatformGatewayControlPlane } from './platform-gateways.ts';
import type { ClientRegistration, OAuthClient } from './clients.ts';
import type { ApimUser, Credential } from './users.ts';

export type { ApimUser, CallRecord, ClientRegistration, ContractViolation, Credential, FaultRule, GatewayEnvironment, OAuthClient, PlatformGatewayControlPlane };

type Json = Record<string, unknown>;

export interface Wso2ApimOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0: a random free port. */
  port?: number;
  /** The super admin (DCR and password grants; every scope). Default admin/admin. */
  admin?: Credential;
  /** Further users, each with the scopes its roles allow (default: every scope). */
  users?: ApimUser[];
  /** Access token lifetime. Default 3600 (APIM's default). */
  tokenLifetimeSeconds?: number;
  /** Refresh token lifetime. Default 86400. */
  refreshTokenLifetimeSeconds?: number;
  /** Milliseconds since the epoch; token expiry and every timestamp read it. Default `Date.now`. */
  clock?: () => number;
  /** Fixed latency added to every answer (benchmarks). */
  latencyMs?: number;
  /** Gateway environments APIs can be deployed to. Default one, `Default` (vhost `localhost`), as APIM ships. */
  environments?: GatewayEnvironment[];
  /** Revisions kept per API (APIM's `maxRevisionCount`). Default 5. */
  maxRevisions?: number;
  /** Folder of the published specs (`specs/`, `specs/wso2/` or `specs/wso2/apim/`); env APIM_SYNC_SPECS_DIR. */
  specsDir?: string;
  /** Bound of the `calls` log (oldest entries dropped in batches). Default 100 000. */
  maxCalls?: number;
  /**
   * Requests for paths APIM's REST APIs do not own (`/internal/…` of the control plane, for instance) go here, so
   * that one host serves APIM 4.7 as a whole, as the real server does. Without it such paths are 404 violations.
   */
  fallback?: {
    request: RequestListener;
    upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  };
  /**
   * The control plane emulator serving APIM's `/internal/…` (behind `fallback`): a revision deployed to, undeployed
   * from or deleted while on an environment named as one of its registered gateways becomes a deployment there,
   * announced to that gateway as APIM 4.7 announces it (`platform-gateways.ts`).
   */
  controlPlane?: PlatformGatewayControlPlane;
}

export interface DeploymentState {
  environment: string;
  vhost: string;
  displayOnDevportal: boolean;
  deployedTime: string;
}

export interface RevisionState {
  id: string;
  number: number;
  description: string;
  createdTime: string;
  deployments: DeploymentState[];
}

/** An API as a test sees it: the Publisher's API object, its definition, revisions and deployments. */
export interface ApiState {
  id: string;
  name: string;
  version: string;
  context: string;
  provider: string;
  additionalProperties: { name: string; value: string; display?: boolean }[];
  /** The whole API object, as `GET /apis/{apiId}` answers it. */
  api: Json;
  definition: Json;
  revisions: RevisionState[];
  /** Every deployment, with the revision it runs. */
  deployments: (DeploymentState & { revisionId: string; revisionNumber: number })[];
  subscriptions: number;
}

/** An API made in APIM by someone else (the Publisher UI, apictl): for conflict and adoption tests. */
export interface ForeignApiInput {
  name: string;
  version: string;
  context: string;
  /** Default `publisher`. */
  provider?: string;
  /** Default `https://backend.example.com`. */
  endpointUrl?: string;
  additionalProperties?: { name: string; value: string; display?: boolean }[];
  /** Default `wso2/synapse` (an API of APIM's own gateway). */
  gatewayType?: string;
  initiatedFromGateway?: boolean;
  /** Default one `GET /*`. */
  operations?: { target: string; verb: string }[];
  /** Makes a revision and deploys it to these environments. */
  deployTo?: string[];
  /** Active subscriptions (which block its deletion). */
  subscriptions?: number;
}

export interface Wso2ApimEmulator {
  /** `https://127.0.0.1:{port}`: DCR, `/oauth2/token` and `/api/am/publisher/v4` under it. */
  url: string;
  /** The self-signed certificate (its own CA) to trust instead of skipping verification. */
  caPem: string;
  admin: Credential;
  /** The request handler, to mount APIM's routes in another HTTPS server. */
  requestListener: RequestListener;
  faults: { inject(rule: FaultRule): void; clear(): void };
  /** Log of requests, bounded by `maxCalls`; may be cleared with `calls.length = 0`. */
  calls: CallRecord[];
  /** Every request outside the published contracts; tests assert none. */
  violations(): ContractViolation[];
  apis(): ApiState[];
  api(id: string): ApiState | undefined;
  createApi(input: ForeignApiInput): ApiState;
  /** Adds active subscriptions to an API (a DevPortal application subscribing). */
  subscribe(apiId: string, count?: number): void;
  /** A gateway environment (an APIM 4.7 platform gateway registered in the Admin portal). */
  addEnvironment(environment: GatewayEnvironment): void;
  environments(): GatewayEnvironment[];
  /** Registers an OAuth client as DCR would, without the HTTP call. */
  registerClient(registration: ClientRegistration): OAuthClient;
  clients(): OAuthClient[];
  /** Revokes one access token, or with no argument every active access and refresh token; returns how many. */
  revokeToken(token?: string): number;
  /** Empties APIs, clients, tokens, faults, violations and calls; environments back to the options'. */
  reset(): void;
  close(): Promise<void>;
}
