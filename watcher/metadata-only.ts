/**
 * Accept headers of metadata-only reads, as client-go's metadata client and kubectl send them: kube-apiserver answers
 * with PartialObjectMetadataList (lists) and PartialObjectMetadata (one object, each watch event), names, versions,
 * labels and annotations without data. A server that cannot convert answers the plain JSON clause instead (aggregated
 * APIs may not; every built-in resource can). A watch must ask for the single-object kind: asked for the list kind,
 * kube-apiserver fails to convert each event and sends it whole.
 */
export const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
export const METADATA_WATCH = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/** Whether an answer to a metadata-only request is one (else the server sent whole objects through the fallback). */
export const isMetadataList = (list: { kind?: string }) => list.kind === 'PartialObjectMetadataList';
