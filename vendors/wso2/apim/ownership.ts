import { permanent } from '../../../shared/engine/errors.ts';
import type { KubeObject } from '../../../shared/kube/object-ref.ts';

/**
 * The additional property (`display: false`) that marks an APIM API as imported by apim-sync for one RestApi:
 * `<cluster id>/<namespace>/<name>`. Not the uid: a RestApi deleted with the orphan policy and applied again (a GitOps
 * re-sync, a restore) takes its API back, which is what its unchanged identity means; another resource never does.
 */
export const OWNER_PROPERTY = 'apim-sync-owner';
/** The hash of what was imported (api.yaml without this property, deployment environments, definition). */
export const SPEC_HASH_PROPERTY = 'apim-sync-spec-hash';
/** `"true"` on a RestApi: take over an APIM API of the same name and version that apim-sync did not create. */
export const ADOPT_ANNOTATION = 'apim-sync.io/adopt';

export interface ApimApi {
  id: string;
  name: string;
  version: string;
  additionalProperties?: { name?: string; value?: string; display?: boolean }[];
  additionalPropertiesMap?: Record<string, { name?: string; value?: string; display?: boolean }>;
  [k: string]: unknown;
}

export const ownerOf = (restApi: KubeObject, clusterId: string) => `${clusterId}/${restApi.metadata.namespace ?? 'default'}/${restApi.metadata.name}`;

/** An additional property of an API, from the array or from the map form (APIM answers either or both). */
export function propertyOf(api: ApimApi, name: string): string | undefined {
  const fromList = api.additionalProperties?.find((p) => p.name === name)?.value;
  return fromList ?? api.additionalPropertiesMap?.[name]?.value;
}

export type Ownership = 'ours' | 'adopted' | 'foreign';

/**
 * Whose an API of the RestApi's name and version is: ours when it carries our marker or is the one status recorded
 * (a marker removed in the console is restored by the next import); adopted when the RestApi asks for it.
 */
export function ownershipOf(api: ApimApi, owner: string, recordedId: string | undefined, restApi: KubeObject): Ownership {
  if (propertyOf(api, OWNER_PROPERTY) === owner || (recordedId !== undefined && api.id === recordedId)) return 'ours';
  return restApi.metadata.annotations?.[ADOPT_ANNOTATION] === 'true' ? 'adopted' : 'foreign';
}

/** An API of the same name and version that apim-sync did not create for this RestApi: never overwritten silently. */
export function conflict(api: ApimApi, host: string): Error {
  const other = propertyOf(api, OWNER_PROPERTY);
  const whose = other ? `imported by apim-sync for another resource (${other})` : 'not created by apim-sync';
  return permanent(
    'Conflict',
    `APIM at ${host} already has API "${api.name}" version "${api.version}" (id ${api.id}), ${whose}; it was left unchanged. ` +
      `To let this RestApi take it over, annotate it ${ADOPT_ANNOTATION}="true"; otherwise change spec.displayName or spec.version`,
  );
}
