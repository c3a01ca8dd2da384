import { transient, permanent } from '../../../shared/engine/errors.ts';
import type { ExternalClient, ExternalStatus, Observation } from '../../../shared/engine/kind.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';
import type { Logger } from '../../../shared/log.ts';
import type { ApiArchive } from './api-archive.ts';
import type { ApiDefinition } from './api-definition.ts';
import { conflict, ownershipOf, propertyOf, SPEC_HASH_PROPERTY, type ApimApi, type Ownership } from './ownership.ts';
import { sameApi, type Deployment, type PublisherApi } from './publisher-api.ts';
import { recordedControlPlane, type ControlPlaneStatus } from './status.ts';

export interface BottomUpTarget {
  restApi: KubeObject;
  def: ApiDefinition;
  archive: ApiArchive;
  publisher: PublisherApi;
  /** The APIM gateway environment the gateway is registered as (`gateway_name`). */
  environment: string;
  owner: string;
  /** The RestApi is annotated `apim-sync.io/deployment-state: undeployed`: the gateway keeps it without serving it. */
  undeployed: boolean;
  log: Logger;
}

/** What the RestApi's name and version find in APIM, and an earlier API of ours to remove (the RestApi was renamed). */
interface Located {
  current?: ApimApi;
  ownership?: Ownership;
  /** Ours, under the name or version the RestApi had before: removed once the new one is in place. */
  stale?: ApimApi;
}

/**
 * The RestApi in APIM 4.7, found before any write: by the id status recorded, else by name and version (so a crash
 * between the import and the status write finds the API the import made instead of importing a second). A resync
 * that finds it ours, built from the same spec (hash) and deployed to the gateway's environment at the recorded
 * revision writes nothing.
 */
export function bottomUpApimClient(t: BottomUpTarget): ExternalClient {
  const { publisher, def, archive, environment } = t;
  const recorded = recordedControlPlane(t.restApi, publisher.host);
  let located: Located | undefined;

  async function locate(): Promise<Located> {
    let stale: ApimApi | undefined;
    if (recorded?.apiId) {
      const byId = await publisher.get(recorded.apiId);
      if (byId && sameApi(byId, def.name, def.version)) return { current: byId, ownership: 'ours' };
      if (byId) stale = byId;
    }
    const [match] = await publisher.findByNameAndVersion(def.name, def.version);
    // Search answers carry few fields: the API itself has the additional properties that say whose it is.
    const current = match ? ((await publisher.get(match.id)) ?? undefined) : undefined;
    return { current, ownership: current ? ownershipOf(current, t.owner, recorded?.apiId, t.restApi) : undefined, stale };
  }

  /**
   * The spec hash of the revision deployed: the one status recorded with it when it is the revision apim-sync last
   * deployed, else the revision's own (a revision is an API in APIM, with the additional properties it was made with).
   * So a crash after an import is recognised, and an older revision redeployed in the console is not taken for ours.
   */
  async function deployedHash(api: ApimApi, revisionId: string): Promise<string | undefined> {
    if (recorded?.apiId === api.id && recorded.revisionId === revisionId && recorded.specHash) return recorded.specHash;
    const revision = await publisher.get(revisionId);
    return revision ? propertyOf(revision, SPEC_HASH_PROPERTY) : undefined;
  }

  const deployedHere = (deployments: Deployment[]) => deployments.filter((d) => d.name === environment && typeof d.revisionUuid === 'string');

  function statusOf(apiId: string, revisionId: string | undefined): ExternalStatus {
    const generation = t.restApi.metadata.generation;
    // The generation whose spec the API was built from: kept while the hash is unchanged (an edit reverted, a crash).
    const lastImportedGeneration = recorded?.specHash === archive.hash && recorded.apiId === apiId ? (recorded.lastImportedGeneration ?? generation) : generation;
    const status: ControlPlaneStatus = {
      type: 'APIM',
      host: publisher.host,
      apiId,
      ...(revisionId ? { revisionId } : {}),
      gatewayEnvironment: environment,
      specHash: archive.hash,
      ...(lastImportedGeneration !== undefined ? { lastImportedGeneration } : {}),
    };
    return { controlPlane: status };
  }

  async function importArchive(loc: Located): Promise<ExternalStatus> {
    if (loc.current && loc.ownership === 'foreign') throw conflict(loc.current, publisher.host);
    let result = await publisher.import({ name: archive.fileName, bytes: archive.bytes }, loc.current !== undefined, def.name);
    if (result.status === 409) {
      if (result.refusal.contextTaken) {
        throw permanent('Conflict', `APIM at ${publisher.host} refused API "${def.name}" version "${def.version}": ${result.refusal.detail}; change spec.context`);
      }
      // Created meanwhile (a concurrent sync, or one whose status write was lost): converge on it if it is ours.
      const again = await locate();
      if (!again.current) throw transient('CreatedConcurrently', `APIM refused to create API "${def.name}" version "${def.version}" (${result.refusal.detail}) but does not list it yet; retrying`);
      if (again.ownership === 'foreign') throw conflict(again.current, publisher.host);
      result = await publisher.import({ name: archive.fileName, bytes: archive.bytes }, true, def.name);
      if (result.status === 409) throw transient('CreatedConcurrently', `APIM refused to overwrite API "${def.name}" version "${def.version}" (409); retrying`);
      loc = again;
    }
    const apiId = result.result.id ?? loc.current?.id ?? (await publisher.findByNameAndVersion(def.name, def.version))[0]?.id;
    if (!apiId) throw transient('ControlPlaneError', `APIM accepted the import of "${def.name}" version "${def.version}" but does not list it yet; retrying`);
    const here = deployedHere(await publisher.deployments(apiId));
    const revisionId = result.result.revision ?? here.at(-1)?.revisionUuid;
    if (!here.some((d) => d.revisionUuid === revisionId)) {
      throw permanent(
        'NotDeployed',
        `APIM imported API "${def.name}" version "${def.version}" (id ${apiId}) but did not deploy it to gateway environment "${environment}": ` +
          `the gateway's gateway_name must be the name it is registered under in APIM`,
      );
    }
    t.log.info('imported API into APIM', { host: publisher.host, apiId, revisionId, environment, overwrite: loc.current !== undefined });
    if (loc.stale && loc.stale.id !== apiId) await retire(loc.stale);
    return statusOf(apiId, revisionId);
  }

  /**
   * The API the RestApi was before a new name or version (APIM keeps versions apart): the gateway no longer runs it,
   * so it is undeployed and deleted; one APIM will not delete (its subscriptions) stays, undeployed, for its owners
   * to retire, and the RestApi carries on with the new one.
   */
  async function retire(api: ApimApi): Promise<void> {
    try {
      await remove(api);
    } catch (e) {
      if ((e as { reason?: string }).reason !== 'DeletionRefused') throw e;
      t.log.warn('kept the previous API in APIM, undeployed: APIM refuses to delete it', { host: publisher.host, apiId: api.id, error: (e as Error).message });
    }
  }

  /** Undeploys the API from the gateway's environment, then deletes it. Only ever called on an API that is ours. */
  async function remove(api: ApimApi): Promise<void> {
    for (const d of deployedHere(await publisher.deployments(api.id))) await publisher.undeploy(api.id, d.revisionUuid!, environment);
    await publisher.delete(api.id, api.name);
    t.log.info('deleted API from APIM', { host: publisher.host, apiId: api.id, environment });
  }

  /**
   * Undeployed on the gateway, as the gateway's own bottom-up sync does for an API it undeploys: the revision is
   * undeployed from the gateway's environment in APIM, the API kept (and no import made).
   */
  const undeploying = {
    async observe(): Promise<Observation> {
      located = await locate();
      const ours = located.current && located.ownership === 'ours' ? located.current : undefined;
      const deployed = ours ? deployedHere(await publisher.deployments(ours.id)) : [];
      return { exists: true, upToDate: deployed.length === 0, status: undeployedStatus(ours) };
    },
    async write(): Promise<ExternalStatus> {
      const { current, ownership } = located ?? (await locate());
      const ours = current && ownership === 'ours' ? current : undefined;
      if (ours) for (const d of deployedHere(await publisher.deployments(ours.id))) await publisher.undeploy(ours.id, d.revisionUuid!, environment);
      return undeployedStatus(ours);
    },
  };
  const undeployedStatus = (api: ApimApi | undefined): ExternalStatus => ({
    controlPlane: api ? { type: 'APIM', host: publisher.host, apiId: api.id, gatewayEnvironment: environment } : undefined,
  });

  if (t.undeployed) {
    return { observe: undeploying.observe, create: undeploying.write, update: undeploying.write, delete: () => deleteApi() };
  }

  async function deleteApi(): Promise<string | void> {
    const { current, ownership, stale } = await locate();
    if (stale) await remove(stale);
    if (current && ownership === 'ours') await remove(current);
    else if (current) {
      t.log.info('left an APIM API apim-sync did not create', { host: publisher.host, apiId: current.id });
      return `APIM API "${current.name}" version "${current.version}" was not created by apim-sync and was left in place`;
    }
  }

  return {
    async observe(): Promise<Observation> {
      located = await locate();
      const { current, ownership, stale } = located;
      if (!current) return { exists: false, upToDate: false };
      if (ownership !== 'ours') return { exists: true, upToDate: false };
      // An environment runs one revision of an API; what matters is what that revision was built from.
      const deployed = deployedHere(await publisher.deployments(current.id)).at(-1);
      if (!deployed) return { exists: true, upToDate: false };
      const upToDate = (await deployedHash(current, deployed.revisionUuid!)) === archive.hash && !stale;
      return { exists: true, upToDate, status: statusOf(current.id, deployed.revisionUuid) };
    },
    async create() {
      return importArchive(located ?? (await locate()));
    },
    async update() {
      // Without an observe first (an upsert after a spec change), look up now: a write always starts from a lookup.
      return importArchive(located ?? (await locate()));
    },
    delete: () => deleteApi(),
  };
}
