import type { KubeObject } from '../shared/kube/object-ref.ts';
import { resourcePath } from '../shared/kube/resources.ts';
import { backoffDelay, sleep } from './backoff.ts';
import type { KubeHttp } from '../shared/kube/kube-http.ts';
import { METADATA_LIST } from './metadata-only.ts';
import type { TrackedType } from './object-state.ts';

export interface FetchResult {
  fetched(type: TrackedType, namespace: string, name: string, obj: KubeObject | undefined): void;
  fetchAbandoned(type: TrackedType, namespace: string, name: string): void;
}

/**
 * Reads of newly referenced Secrets/ConfigMaps (their resourceVersion baseline, metadata only), a few at a time,
 * retried a bounded number of times.
 */
export class DataFetcher {
  private readonly http: KubeHttp;
  private readonly result: FetchResult;
  private readonly signal: AbortSignal;
  private readonly queue: Array<{ type: TrackedType; namespace: string; name: string }> = [];
  private running = 0;
  private readonly concurrency = 4;
  private readonly maxAttempts = 6;

  constructor(http: KubeHttp, result: FetchResult, signal: AbortSignal) {
    this.http = http;
    this.result = result;
    this.signal = signal;
  }

  request(type: TrackedType, namespace: string, name: string): void {
    this.queue.push({ type, namespace, name });
    this.next();
  }

  private next(): void {
    while (this.running < this.concurrency && this.queue.length && !this.signal.aborted) {
      const job = this.queue.shift() as { type: TrackedType; namespace: string; name: string };
      this.running++;
      void this.fetch(job.type, job.namespace, job.name).finally(() => {
        this.running--;
        this.next();
      });
    }
  }

  private async fetch(type: TrackedType, namespace: string, name: string): Promise<void> {
    for (let attempt = 0; attempt < this.maxAttempts && !this.signal.aborted; attempt++) {
      try {
        // A list narrowed to the name, not a GET: the watcher's RBAC grants list and watch only.
        const list = await this.http.getJson<{ items?: KubeObject[] | null }>(resourcePath(type, namespace), { fieldSelector: `metadata.name=${name}` }, this.signal, METADATA_LIST);
        return this.result.fetched(type, namespace, name, list.items?.find((o) => o.metadata?.name === name));
      } catch {
        await sleep(backoffDelay(attempt, 200, 10_000), this.signal);
      }
    }
    if (!this.signal.aborted) this.result.fetchAbandoned(type, namespace, name);
  }
}
