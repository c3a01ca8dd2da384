import type { Cluster } from '../kube/cluster.ts';
import type { ObjectRef } from '../kube/object-ref.ts';
import type { Logger } from '../log.ts';
import type { VendorHttp } from '../vendor-http/vendor-http.ts';
import type { SyncContext } from './kind.ts';
import type { Ownership } from './ownership.ts';

/** One sync's view of its cluster; Secret/ConfigMap reads are cached for the sync only, never across syncs. */
export function createSyncContext(cluster: Cluster, http: VendorHttp, log: Logger, countVendorCall?: (verb: string) => void, ownership?: Ownership): SyncContext {
  const cache = new Map<string, Promise<Record<string, string> | undefined>>();
  return {
    cluster,
    http,
    log,
    secrets: new Set(),
    countVendorCall,
    ownership,
    readData(ref: ObjectRef) {
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      let p = cache.get(key);
      if (!p) {
        p = cluster.get(ref).then((o) => (o ? decode(ref.kind, o.data) : undefined));
        cache.set(key, p);
      }
      return p;
    },
  };
}

function decode(kind: string, data: Record<string, string> | undefined): Record<string, string> {
  if (!data) return {};
  if (kind !== 'Secret') return { ...data };
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}
