import type { KubeObject } from '../shared/kube/object-ref.ts';
import { resourcePath } from '../shared/kube/resources.ts';
import { Backoff, sleep } from './backoff.ts';
import type { WatchEventType } from './change-tracker.ts';
import { KubeApiError, type KubeHttp } from '../shared/kube/kube-http.ts';
import { errorFields, type WatcherLog } from './log.ts';
import { isMetadataList, METADATA_LIST, METADATA_WATCH } from './metadata-only.ts';
import type { TrackedType } from './object-state.ts';

/** Why a watch was opened again: expired = 410 Gone (relisted), closed = ended by the server, dropped = connection lost. */
const NOT_INSTALLED_RECHECK_MS = 60_000;

export type RestartCause = 'expired' | 'closed' | 'dropped' | 'error' | 'list-error';

/** Where a watch delivers; called synchronously, one item at a time, so no object outlives its line. */
export interface WatchSink {
  listItem(type: TrackedType, obj: KubeObject, epoch: number, initial: boolean): void;
  listDone(type: TrackedType, namespace: string | undefined, epoch: number, initial: boolean): void;
  event(type: TrackedType, eventType: WatchEventType, obj: KubeObject): void;
  restarted(type: TrackedType, cause: RestartCause): void;
}

export interface ResourceWatchOptions {
  http: KubeHttp;
  type: TrackedType;
  /** One namespace, or undefined for all. */
  namespace?: string;
  sink: WatchSink;
  log: WatcherLog;
  pageSize: number;
  /** Server-side watch timeout; each watch picks between this and twice this, as client-go does. */
  watchTimeoutSeconds: number;
  /** List and watch metadata only (Secrets and ConfigMaps: their names and versions are all the watcher keeps). */
  metadataOnly?: boolean;
}

class Gone extends Error {
  override name = 'Gone';
}

interface WatchLine {
  type?: string;
  object?: KubeObject & { code?: number; reason?: string; message?: string };
}

/**
 * List then watch one resource type in one scope, forever: resumes from the last resourceVersion (bookmarks keep it
 * fresh), relists on 410 Gone and lets the sink diff the list against its memory, backs off with jitter on errors.
 */
export class ResourceWatch {
  readonly type: TrackedType;
  readonly namespace: string | undefined;
  /** Resolves when the first list has been delivered. */
  readonly synced: Promise<void>;
  private markSynced!: () => void;
  private readonly o: ResourceWatchOptions;
  private readonly abort = new AbortController();
  private readonly backoff = new Backoff(200, 30_000);
  private loop: Promise<void> | undefined;
  private epoch = 0;
  private toldWholeObjects = false;

  constructor(o: ResourceWatchOptions) {
    this.o = o;
    this.type = o.type;
    this.namespace = o.namespace;
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private get path(): string {
    return resourcePath(this.type, this.namespace);
  }

  private async run(): Promise<void> {
    let rv: string | undefined;
    let initial = true;
    while (!this.signal.aborted) {
      if (rv === undefined) {
        try {
          rv = await this.list(initial);
          if (initial) this.markSynced();
          initial = false;
          this.backoff.reset();
        } catch (err) {
          if (this.signal.aborted) break;
          if (err instanceof KubeApiError && err.status === 404) {
            // The kind's CRD is not installed here (a cluster using one vendor only): nothing to watch, and no reason
            // to hold up readiness. Look again now and then, so a CRD installed later is picked up.
            if (initial) {
              this.o.log.info('kind not installed in this cluster; checking again every minute', { kind: this.type.kind });
              this.markSynced();
            }
            await sleep(NOT_INSTALLED_RECHECK_MS, this.signal);
            continue;
          }
          const gone = err instanceof Gone || (err instanceof KubeApiError && err.status === 410);
          this.restart(gone ? 'expired' : 'list-error', err);
          if (!gone) await sleep(this.backoff.next(), this.signal);
          continue;
        }
      }
      const started = Date.now();
      const last = { rv, events: 0 };
      try {
        await this.watch(last);
        rv = last.rv;
        if (this.signal.aborted) break;
        this.restart('closed');
        // A watch the server ends at once, again and again, must not turn into a busy loop.
        if (last.events === 0 && Date.now() - started < 1000) await sleep(this.backoff.next(), this.signal);
      } catch (err) {
        rv = last.rv;
        if (this.signal.aborted) break;
        if (err instanceof Gone || (err instanceof KubeApiError && err.status === 410)) {
          this.restart('expired', err);
          rv = undefined;
          continue;
        }
        this.restart(err instanceof KubeApiError ? 'error' : 'dropped', err);
        await sleep(this.backoff.next(), this.signal);
      }
    }
  }

  /** Pages through the collection; returns the list's resourceVersion, where the watch starts. */
  private async list(initial: boolean): Promise<string> {
    const epoch = ++this.epoch;
    let cont: string | undefined;
    let rv = '';
    let count = 0;
    do {
      const page = await this.o.http.getJson<{ kind?: string; metadata?: { continue?: string; resourceVersion?: string }; items?: KubeObject[] | null }>(
        this.path,
        { limit: this.o.pageSize, continue: cont },
        this.signal,
        this.o.metadataOnly ? METADATA_LIST : undefined,
      );
      if (this.signal.aborted) throw new Error('stopped');
      if (this.o.metadataOnly && !isMetadataList(page) && !this.toldWholeObjects) {
        this.toldWholeObjects = true;
        this.o.log.warn('the API server does not serve metadata-only lists here; objects are read whole (and dropped at once)', { kind: this.type.kind, namespace: this.namespace ?? '*' });
      }
      for (const item of page.items ?? []) {
        this.o.sink.listItem(this.type, withType(this.type, item), epoch, initial);
        count++;
      }
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont);
    this.o.sink.listDone(this.type, this.namespace, epoch, initial);
    this.o.log.info('listed', { kind: this.type.kind, namespace: this.namespace ?? '*', count, initial });
    return rv;
  }

  private async watch(last: { rv: string | undefined; events: number }): Promise<void> {
    const t = this.o.watchTimeoutSeconds;
    const timeoutSeconds = Math.round(t + Math.random() * t);
    const onLine = (line: string) => {
      const ev = JSON.parse(line) as WatchLine;
      const obj = ev.object;
      if (ev.type === 'ERROR') {
        if (obj?.code === 410) throw new Gone(obj.message ?? 'resource version expired');
        throw new KubeApiError(obj?.code ?? 500, `watch error: ${obj?.message ?? 'unknown'}`.slice(0, 300), obj?.reason);
      }
      if (!obj?.metadata) return;
      if (obj.metadata.resourceVersion) last.rv = obj.metadata.resourceVersion;
      last.events++;
      this.backoff.reset();
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED' || ev.type === 'DELETED') this.o.sink.event(this.type, ev.type, withType(this.type, obj));
    };
    await this.o.http.stream(
      this.path,
      { watch: 1, allowWatchBookmarks: true, resourceVersion: last.rv, timeoutSeconds },
      onLine,
      (timeoutSeconds + 60) * 1000,
      this.signal,
      this.o.metadataOnly ? METADATA_WATCH : undefined,
    );
  }

  private restart(cause: RestartCause, err?: unknown): void {
    this.o.sink.restarted(this.type, cause);
    const fields = { kind: this.type.kind, namespace: this.namespace ?? '*', cause, ...(err ? errorFields(err) : {}) };
    if (cause === 'closed') this.o.log.debug('watch restarted', fields);
    else this.o.log.warn('watch restarted', fields);
  }
}

/** List items and some watch events omit apiVersion and kind; metadata-only ones carry meta.k8s.io's. */
function withType(type: TrackedType, obj: KubeObject): KubeObject {
  obj.apiVersion = type.apiVersion;
  obj.kind = type.kind;
  return obj;
}
