import { DELETION_POLICY } from '../../../shared/engine/metadata-keys.ts';
import type { KubeObject, OwnerReference } from '../../../shared/kube/object-ref.ts';
import { BackendType, ProductType } from '../resource-types.ts';
import { badDocument, type OpenAPIDocument } from './document-fields.ts';

type Json = Record<string, any>;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The operator's name for both generated resources: the title's lower-cased alphanumerics, `-`, the OpenAPI's uid. */
export function generatedName(doc: OpenAPIDocument, openapi: KubeObject): string {
  const name = `${doc.title.toLowerCase().replace(/[^0-9a-z]/g, '')}-${openapi.metadata.uid}`;
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) throw badDocument('info.title', `gives "${name}", not a valid resource name (DNS-1123 subdomain)`);
  return name;
}

/**
 * The controller reference the generated resources carry: Kubernetes deletes them with their OpenAPI. Without
 * blockOwnerDeletion (which only foreground deletion uses): setting it needs update on openapis/finalizers where the
 * OwnerReferencesPermissionEnforcement admission plugin runs (OpenShift), a grant the sync function does not have.
 */
export function ownerReference(openapi: KubeObject): OwnerReference {
  return { apiVersion: openapi.apiVersion, kind: openapi.kind, name: openapi.metadata.name, uid: openapi.metadata.uid!, controller: true };
}

export const isControlledBy = (obj: KubeObject, openapi: KubeObject) => (obj.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === openapi.metadata.uid);

/**
 * A generated Backend or Product. `apim-sync.io/deletion-policy: orphan` on the OpenAPI is carried over, so that
 * deleting the OpenAPI keeps the 3scale objects as it keeps nothing else.
 */
export function generatedCR(kind: 'Backend' | 'Product', name: string, openapi: KubeObject, spec: Json): KubeObject {
  const type = kind === 'Backend' ? BackendType : ProductType;
  const orphan = openapi.metadata.annotations?.[DELETION_POLICY] === 'orphan';
  return {
    apiVersion: type.apiVersion,
    kind: type.kind,
    metadata: {
      name,
      namespace: openapi.metadata.namespace,
      ownerReferences: [ownerReference(openapi)],
      ...(orphan ? { annotations: { [DELETION_POLICY]: 'orphan' } } : {}),
    },
    spec,
  };
}
