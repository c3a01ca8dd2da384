import type { KubeObject } from '../../shared/kube/object-ref.ts';

/** GKO's human-readable id: `<namespace>-<name>`, so the same resource always addresses the same APIM object. */
export const hridOf = (obj: KubeObject): string => `${obj.metadata.namespace ?? 'default'}-${obj.metadata.name}`;

/** Plan and page keys become hrids with spaces and dots replaced by `-`. */
export const childHrid = (key: string): string => key.replace(/[ .]/g, '-');
