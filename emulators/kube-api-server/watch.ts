/**
 * Watch streams: newline-delimited JSON events over a chunked 200 response, as kube-apiserver's cacher serves them.
 * Initial ADDED events for resourceVersion ""/"0", replay from the event log otherwise (ERROR 410 when too old),
 * label/field selector transitions (ADDED/DELETED when an object starts/stops matching), BOOKMARKs, timeouts.
 */
import type { ServerResponse } from 'node:http';
import { badRequest, expired, type Status } from './status-errors.ts';
import { apiVersionOf, type KubeObj } from './resource-type.ts';
import { collectionOf, header, present, type ResourceRequest } from './request-context.ts';
import { selectorFor } from './read-handlers.ts';
import { negotiateOutput, presentWatched, type OutputForm } from './media-negotiation.ts';
import type { ChangeEvent } from './event-log.ts';
import type { WatchSink } from './store.ts';

/** A watcher whose unsent output exceeds this is closed, as the cacher drops watchers that cannot keep up. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface OpenWatch {
  close(): void;
}

/** Serializations shared by every watch of one form (kube-apiserver caches each event's encoding per encoder too). */
const serialized = { object: new WeakMap<KubeObj, string>(), metadata: new WeakMap<KubeObj, string>() };
function json(obj: KubeObj, form: OutputForm): string {
  const metadataOnly = form.as === 'PartialObjectMetadata';
  const cache = metadataOnly ? serialized.metadata : serialized.object;
  let s = cache.get(obj);
  if (s === undefined) {
    s = JSON.stringify(presentWatched(form, obj));
    if (!metadataOnly || form.version === 'v1') cache.set(obj, s);
  }
  return s;
}

export function serveWatch(r: ResourceRequest, res: ServerResponse, open: Set<OpenWatch>): void {
  // Negotiated first, as ListResource does. A Table watch is not converted here (see README); metadata-only ones are.
  const form = negotiateOutput(header(r, 'accept'), r.type);
  r.served?.form(form.as);
  const store = r.state.store;
  const c = collectionOf(r);
  const match = selectorFor(r);
  const matches = (o: KubeObj | undefined) => !!o && (!r.namespace || !r.type.namespaced || o.metadata.namespace === r.namespace) && (!match || match(o));
  const rvParam = r.query.get('resourceVersion') ?? '';
  const sendInitial = r.query.get('sendInitialEvents') === 'true';
  const bookmarks = r.query.get('allowWatchBookmarks') === 'true' || r.query.get('allowWatchBookmarks') === '1';
  const timeoutSeconds = Number(r.query.get('timeoutSeconds') ?? 0);
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  const fromRv = Number(rvParam || 0);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  const write = (type: string, object: unknown) => {
    const line = `{"type":"${type}","object":${typeof object === 'string' ? object : JSON.stringify(object)}}\n`;
    r.served?.addBytes(Buffer.byteLength(line));
    return res.write(line);
  };
  const fail = (status: Status) => {
    write('ERROR', status);
    res.end();
  };

  let replay: ChangeEvent[] = [];
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    for (const k of c.keys(r.type.namespaced ? r.namespace : undefined)) {
      const o = c.objects.get(k)!;
      if (matches(o)) write('ADDED', json(present(r, o), form));
    }
  } else if (fromRv > store.resourceVersion) {
    return fail({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Too large resource version: ${fromRv}, current: ${store.resourceVersion}`, reason: 'Timeout', details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 }, code: 504 });
  } else {
    const events = c.log.since(fromRv);
    if (!events) return fail(expired(`too old resource version: ${fromRv} (${c.log.floor})`).status);
    replay = events;
  }

  const bookmark = (annotations?: Record<string, string>) =>
    write('BOOKMARK', presentWatched(form, { kind: r.type.kind, apiVersion: apiVersionOf(r.type.group, r.version), metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) } }));
  if (sendInitial && bookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });

  const sink: WatchSink = {
    deliver(ev) {
      const now = matches(ev.type === 'DELETED' ? (ev.prev ?? ev.object) : ev.object);
      const before = ev.type === 'MODIFIED' && matches(ev.prev);
      let type: string | undefined;
      if (ev.type === 'MODIFIED') type = now && before ? 'MODIFIED' : now ? 'ADDED' : before ? 'DELETED' : undefined;
      else if (now) type = ev.type;
      if (type) write(type, json(present(r, ev.object), form));
      if (res.writableLength > MAX_BUFFERED_BYTES) handle.close();
    },
    close: () => handle.close(),
  };
  for (const ev of replay) sink.deliver(ev);

  const timers: NodeJS.Timeout[] = [];
  const handle: OpenWatch = {
    close() {
      cleanup();
      if (!res.writableEnded) res.end();
    },
  };
  const cleanup = () => {
    c.watchers.delete(sink);
    open.delete(handle);
    for (const t of timers) clearTimeout(t);
  };
  c.watchers.add(sink);
  open.add(handle);
  if (bookmarks) timers.push(setInterval(() => bookmark(), r.state.bookmarkIntervalMs).unref());
  if (timeoutSeconds > 0) timers.push(setTimeout(() => handle.close(), timeoutSeconds * 1000).unref());
  res.on('close', cleanup);
}
