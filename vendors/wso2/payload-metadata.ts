import type { KubeObject } from '../../shared/kube/object-ref.ts';

/** The envelope's metadata as the operator copies it (payloadMetadataForRestAPI): name, labels, annotations. */
export interface PayloadMetadata {
  name: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * Annotations never copied into a payload: kubectl's copy of the whole object (it may hold an inline secret value)
 * and apim-sync's own bookkeeping, which means nothing to the gateway. The rest is copied as the operator does
 * (e.g. `gateway.api-platform.wso2.com/project-id`, `…/artifact-id`).
 */
function isPayloadAnnotation(key: string): boolean {
  return key !== 'kubectl.kubernetes.io/last-applied-configuration' && !key.startsWith('apim-sync.io/');
}

export function payloadMetadata(object: KubeObject): PayloadMetadata {
  // apim-sync's own labels (a control-plane resource's origin and gateway) are its bookkeeping too.
  const labels = Object.fromEntries(Object.entries(object.metadata.labels ?? {}).filter(([k]) => !k.startsWith('apim-sync.io/')));
  const annotations = Object.fromEntries(Object.entries(object.metadata.annotations ?? {}).filter(([k]) => isPayloadAnnotation(k)));
  return {
    name: object.metadata.name,
    ...(Object.keys(labels).length ? { labels } : {}),
    ...(Object.keys(annotations).length ? { annotations } : {}),
  };
}
