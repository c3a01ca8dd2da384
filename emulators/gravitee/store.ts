/** In-memory APIM state, per organization and environment. */

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
  readonly apis = new Map<string, Stored<ApiV4State>>();
  readonly applications = new Map<string, Stored<ApplicationState>>();
  /** Deleted applications: APIM archives them. */
  readonly archivedApplications = new Map<string, Stored<ApplicationState>>();
  readonly v2Apis = new Map<string, Stored<ApiV2State>>();
  /** Group id → name. */
  readonly groups = new Map<string, string>();
  readonly categories = new Set<string>();
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

export function upsert<T>(map: Map<string, Stored<T>>, id: string, value: T): Stored<T> {
  const now = new Date().toISOString();
  const existing = map.get(id);
  const stored: Stored<T> = existing
    ? { value, createdAt: existing.createdAt, updatedAt: now, revision: existing.revision + 1 }
    : { value, createdAt: now, updatedAt: now, revision: 1 };
  map.set(id, stored);
  return stored;
}
