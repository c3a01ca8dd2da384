/**
 * APIM's APIs with their revisions and deployments, as carbon-apimgt keeps them:
 * - an API is a working copy plus at most `maxRevisions` revisions (5 by default, `maxRevisionCount`), each a
 *   frozen copy with its own UUID and an increasing number that is never reused;
 * - a revision is deployed to gateway environments; an environment runs one revision of an API at a time, so
 *   deploying another revision there replaces it;
 * - a revision that is deployed cannot be deleted; rotating (`rotateRevision`) undeploys and deletes the
 *   earliest one to make room.
 */
import { randomUUID } from 'node:crypto';
import {
  apiNotFound,
  invalidGatewayEnvironment,
  maximumRevisionsReached,
  revisionDeployed,
  revisionNotFound,
} from './errors.ts';

type Json = Record<string, unknown>;

export interface GatewayEnvironment {
  name: string;
  /** Virtual hosts of the environment; the first is the default. Default `['localhost']`. */
  vhosts?: string[];
}

export interface StoredDeployment {
  /** The environment's name. */
  name: string;
  vhost: string;
  displayOnDevportal: boolean;
  deployedTime: string;
}

export interface StoredRevision {
  id: string;
  number: number;
  description: string;
  createdTime: string;
  /** The API as it was when the revision was made. */
  api: Json;
  definition: Json;
  deployments: StoredDeployment[];
}

export interface StoredApi {
  id: string;
  /** The working copy, as the Publisher answers it. */
  api: Json;
  definition: Json;
  revisions: StoredRevision[];
  lastRevisionNumber: number;
  /** Active subscriptions (made in the DevPortal); an API that has some cannot be deleted. */
  subscriptions: number;
  /** Order of creation, to sort equal creation times. */
  sequence: number;
}

export interface DeploymentRequest {
  name: string;
  vhost?: string;
  displayOnDevportal?: boolean;
}

export const DEFAULT_ENVIRONMENTS: GatewayEnvironment[] = [{ name: 'Default', vhosts: ['localhost'] }];

/**
 * Told of every change of what an environment runs, as APIM's gateway notifier is: a revision deployed there (also in
 * place of another), undeployed from there, or its API deleted (`environments`: those it was still deployed to).
 */
export interface DeploymentListener {
  deployed(api: StoredApi, revision: StoredRevision, environment: string): void;
  undeployed(api: StoredApi, revision: StoredRevision, environment: string): void;
  deleted(api: StoredApi, environments: string[]): void;
}

export class ApiStore {
  private readonly apis = new Map<string, StoredApi>();
  private readonly environments = new Map<string, GatewayEnvironment>();
  private readonly clock: () => number;
  readonly maxRevisions: number;
  private sequence = 0;
  private readonly listener: DeploymentListener | undefined;

  constructor(clock: () => number, maxRevisions: number, environments: GatewayEnvironment[], listener?: DeploymentListener) {
    this.clock = clock;
    this.maxRevisions = maxRevisions;
    this.listener = listener;
    for (const e of environments) this.addEnvironment(e);
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  // --- environments ---

  addEnvironment(e: GatewayEnvironment): void {
    this.environments.set(e.name, { name: e.name, vhosts: e.vhosts?.length ? [...e.vhosts] : ['localhost'] });
  }

  environment(name: string): GatewayEnvironment | undefined {
    return this.environments.get(name);
  }

  environmentNames(): string[] {
    return [...this.environments.keys()];
  }

  // --- APIs ---

  all(): StoredApi[] {
    return [...this.apis.values()];
  }

  get(id: string): StoredApi | undefined {
    return this.apis.get(id);
  }

  require(id: string): StoredApi {
    const api = this.apis.get(id);
    if (!api) throw apiNotFound(id);
    return api;
  }

  /** APIM identifies an API by name and version within the tenant (names compared without case). */
  findByNameVersion(name: string, version: string): StoredApi | undefined {
    for (const a of this.apis.values()) {
      if (String(a.api.name).toLowerCase() === name.toLowerCase() && a.api.version === version) return a;
    }
    return undefined;
  }

  /** Another API (other name) using this context. Versions of one API share their context. */
  findContextOwner(context: string, name: string): StoredApi | undefined {
    for (const a of this.apis.values()) {
      if (String(a.api.context).toLowerCase() === context.toLowerCase() && String(a.api.name).toLowerCase() !== name.toLowerCase()) return a;
    }
    return undefined;
  }

  add(api: Json, definition: Json): StoredApi {
    const id = String(api.id ?? randomUUID());
    const stored: StoredApi = { id, api: { ...api, id }, definition, revisions: [], lastRevisionNumber: 0, subscriptions: 0, sequence: ++this.sequence };
    this.apis.set(id, stored);
    return stored;
  }

  /** Removes the API with its revisions (APIM 4.x undeploys them first, without asking). */
  delete(id: string): boolean {
    const api = this.apis.get(id);
    if (!api) return false;
    const environments = [...new Set(api.revisions.flatMap((r) => r.deployments.map((d) => d.name)))];
    for (const r of api.revisions) r.deployments = [];
    this.apis.delete(id);
    this.listener?.deleted(api, environments);
    return true;
  }

  clear(): void {
    this.apis.clear();
  }

  /** The revision with this UUID, with its API. */
  findRevision(revisionId: string): { api: StoredApi; revision: StoredRevision } | undefined {
    for (const api of this.apis.values()) {
      const revision = api.revisions.find((r) => r.id === revisionId);
      if (revision) return { api, revision };
    }
    return undefined;
  }

  // --- revisions ---

  revision(api: StoredApi, revisionId: string): StoredRevision {
    const found = api.revisions.find((r) => r.id === revisionId);
    if (!found) throw revisionNotFound(revisionId);
    return found;
  }

  revisionByNumber(api: StoredApi, number: string): StoredRevision | undefined {
    return api.revisions.find((r) => String(r.number) === number);
  }

  /**
   * A new revision of the working copy. At the limit it fails unless `rotate`, which first undeploys and deletes
   * the earliest revision (`ImportUtils.importApi` with `rotateRevision`).
   */
  createRevision(api: StoredApi, description: string, rotate: boolean): StoredRevision {
    if (api.revisions.length >= this.maxRevisions) {
      if (!rotate) throw maximumRevisionsReached(api.id);
      const earliest = api.revisions.reduce((a, b) => (a.number <= b.number ? a : b));
      this.undeploy(api, earliest, undefined);
      api.revisions = api.revisions.filter((r) => r !== earliest);
    }
    const id = randomUUID();
    const number = ++api.lastRevisionNumber;
    const revision: StoredRevision = {
      id,
      number,
      description,
      createdTime: this.now(),
      api: structuredClone({ ...api.api, id, isRevision: true, revisionedApiId: api.id, revisionId: number }),
      definition: structuredClone(api.definition),
      deployments: [],
    };
    api.revisions.push(revision);
    return revision;
  }

  deleteRevision(api: StoredApi, revisionId: string): void {
    const revision = this.revision(api, revisionId);
    if (revision.deployments.length) throw revisionDeployed(revisionId);
    api.revisions = api.revisions.filter((r) => r !== revision);
  }

  /** Checks every environment first, so that an unknown one deploys nothing. */
  resolveDeployments(requests: DeploymentRequest[]): Required<DeploymentRequest>[] {
    return requests.map((r) => {
      const env = this.environments.get(r.name);
      if (!env) throw invalidGatewayEnvironment(r.name);
      return { name: r.name, vhost: r.vhost ?? env.vhosts![0]!, displayOnDevportal: r.displayOnDevportal ?? true };
    });
  }

  /** Deploys the revision to each environment, replacing the revision that ran there. */
  deploy(api: StoredApi, revision: StoredRevision, requests: DeploymentRequest[]): void {
    const deployments = this.resolveDeployments(requests);
    for (const d of deployments) {
      for (const r of api.revisions) r.deployments = r.deployments.filter((x) => x.name !== d.name);
      revision.deployments.push({ ...d, deployedTime: this.now() });
      this.listener?.deployed(api, revision, d.name);
    }
  }

  /** Removes the revision's deployments to these environments (all of them with `undefined`). */
  undeploy(api: StoredApi, revision: StoredRevision, environments: string[] | undefined): void {
    const removed = revision.deployments.filter((d) => environments === undefined || environments.includes(d.name));
    revision.deployments = revision.deployments.filter((d) => !removed.includes(d));
    for (const d of removed) this.listener?.undeployed(api, revision, d.name);
  }
}
