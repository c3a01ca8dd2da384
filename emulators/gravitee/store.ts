/** In-memory APIM state, per organization and environment. */
import { sanitizedPaths, v2Paths, v4Paths } from './context-paths.ts';
import { PathIndex } from './path-index.ts';
import { Table } from './table.ts';

export type Json = Record<string, unknown>;

export interface ErrorsState {
  severe: string[];
  warning: string[];
}

export interface PlanState extends Json {
  hrid: string;
  id: string;
  crossId: string;
}

/** Ids and context APIM adds to an imported API. */
export interface ImportedApi extends Json {
  id: string;
  crossId: string;
  organizationId: string;
  environmentId: string;
  name: string;
  version: string;
}

/** Automation API `ApiV4State`: the spec as sent, plus ids, context and errors; plans carry their ids. */
export interface ApiV4State extends ImportedApi {
  hrid: string;
  type: string;
  plans: PlanState[];
  errors: ErrorsState;
}

/** Automation API `ApplicationState`. */
export interface ApplicationState extends Json {
  hrid: string;
  id: string;
  organizationId: string;
  environmentId: string;
  name: string;
  description: string;
  status: 'ACTIVE' | 'ARCHIVED';
  errors: ErrorsState;
}

/** A v2 API imported through Management v1 `import-crd`: the definition as sent, plus ids and context. */
export interface ApiV2State extends ImportedApi {
  state: string;
  plans: (Json & { id: string; crossId: string })[];
}

export interface Stored<T> {
  value: T;
  createdAt: string;
  updatedAt: string;
  /** Incremented on every update through the API (not by drift helpers). */
  revision: number;
}

export class EnvironmentData {
  /** Context paths of every API (v4 and v2) of the environment, for conflict checks. */
  readonly paths = new PathIndex();
  readonly apis = new Table<ApiV4State>((id, api) => this.paths.replace(id, api ? sanitizedPaths(v4Paths(api)) : []));
  readonly v2Apis = new Table<ApiV2State>((id, api) => this.paths.replace(id, api ? sanitizedPaths(v2Paths(api)) : []));
  readonly applications = new Table<ApplicationState>();
  /** Deleted applications: APIM archives them. */
  readonly archivedApplications = new Table<ApplicationState>();
  /** Group id → name. */
  readonly groups = new Map<string, string>();
  readonly categories = new Set<string>();
  private readonly tables = new Map<string, Table<Json>>();

  /** The Automation API's other collections (`groups`, `subscriptions`, `portals`…), created on first use. */
  table(collection: string): Table<Json> {
    if (collection === 'apis') return this.apis as unknown as Table<Json>;
    if (collection === 'applications') return this.applications as unknown as Table<Json>;
    let t = this.tables.get(collection);
    if (!t) this.tables.set(collection, (t = new Table<Json>()));
    return t;
  }
}

export class StateStore {
  private readonly data = new Map<string, EnvironmentData>();

  env(org: string, env: string): EnvironmentData {
    const key = `${org}\u0000${env}`;
    let d = this.data.get(key);
    if (!d) this.data.set(key, (d = new EnvironmentData()));
    return d;
  }

  reset(): void {
    this.data.clear();
  }
}
