/** The watcher's counters and gauges, kept as plain numbers and rendered in Prometheus text format. */

type Labels = Record<string, string>;

class LabeledCounter {
  readonly values = new Map<string, { labels: Labels; value: number }>();
  inc(labels: Labels, by = 1): void {
    const key = JSON.stringify(labels);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels, value: by });
  }
  total(filter: (labels: Labels) => boolean = () => true): number {
    let n = 0;
    for (const { labels, value } of this.values.values()) if (filter(labels)) n += value;
    return n;
  }
  /** Totals by one label's value. */
  by(label: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { labels, value } of this.values.values()) out[labels[label]] = (out[labels[label]] ?? 0) + value;
    return out;
  }
}

export interface MetricsSnapshot {
  eventsSeen: number;
  forwarded: number;
  forwardedByReason: Record<string, number>;
  skippedByReason: Record<string, number>;
  coalesced: number;
  messagesSent: number;
  /** Of messagesSent, those sent to the resync queue. */
  resyncMessagesSent: number;
  sendErrors: number;
  watchRestarts: number;
  watchRestartsByCause: Record<string, number>;
  watchRestartsByKind: Record<string, number>;
  watchedObjects: number;
  watchedObjectsByKind: Record<string, number>;
  trackedReferences: number;
  pendingMessages: number;
  /** Objects of the running resync not yet released to the sender (it is paced). */
  resyncRemaining: number;
  ready: boolean;
}

/** Gauges are read when rendered, so they never drift from the state they describe. */
export interface MetricGauges {
  watchedObjectsByKind(): Record<string, number>;
  trackedReferences(): number;
  pendingMessages(): number;
  resyncRemaining?(): number;
  ready(): boolean;
}

export class WatcherMetrics {
  readonly events = new LabeledCounter();
  readonly forwarded = new LabeledCounter();
  readonly skipped = new LabeledCounter();
  readonly watchRestarts = new LabeledCounter();
  /** WSO2 control-plane connections (watcher/control-plane/): events received by type, acks sent by status, reconnects by cause. */
  readonly controlPlaneEvents = new LabeledCounter();
  readonly controlPlaneAcks = new LabeledCounter();
  readonly controlPlaneReconnects = new LabeledCounter();
  /** deployment.acks a control plane was seen to read; those sent but not read are sent again on the next connection. */
  controlPlaneAcksRead = 0;
  /** Control-plane connections by state (connecting, connected, backoff, refused); read when rendered. */
  controlPlaneConnections: () => Record<string, number> = () => ({});
  coalesced = 0;
  messagesSent = 0;
  resyncMessagesSent = 0;
  sendErrors = 0;
  gauges: MetricGauges = { watchedObjectsByKind: () => ({}), trackedReferences: () => 0, pendingMessages: () => 0, ready: () => false };

  snapshot(): MetricsSnapshot {
    const byKind = this.gauges.watchedObjectsByKind();
    return {
      eventsSeen: this.events.total(),
      forwarded: this.forwarded.total(),
      forwardedByReason: this.forwarded.by('reason'),
      skippedByReason: this.skipped.by('reason'),
      coalesced: this.coalesced,
      messagesSent: this.messagesSent,
      resyncMessagesSent: this.resyncMessagesSent,
      sendErrors: this.sendErrors,
      watchRestarts: this.watchRestarts.total(),
      watchRestartsByCause: this.watchRestarts.by('cause'),
      watchRestartsByKind: this.watchRestarts.by('kind'),
      watchedObjects: Object.values(byKind).reduce((a, b) => a + b, 0),
      watchedObjectsByKind: byKind,
      trackedReferences: this.gauges.trackedReferences(),
      pendingMessages: this.gauges.pendingMessages(),
      resyncRemaining: this.gauges.resyncRemaining?.() ?? 0,
      ready: this.gauges.ready(),
    };
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    const out: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[Labels, number]>) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) out.push(`${name}${formatLabels(labels)} ${value}`);
    };
    const samples = (c: LabeledCounter): Array<[Labels, number]> => [...c.values.values()].map((v) => [v.labels, v.value]);
    family('apim_sync_watcher_events_total', 'counter', 'Watch events and list items seen, by kind.', samples(this.events));
    family('apim_sync_watcher_forwarded_total', 'counter', 'Changes forwarded to the queue, by reason.', samples(this.forwarded));
    family('apim_sync_watcher_skipped_total', 'counter', 'Events not forwarded, by reason.', samples(this.skipped));
    family('apim_sync_watcher_coalesced_total', 'counter', 'Forwarded changes merged into a message already waiting for the same object.', [[{}, this.coalesced]]);
    family('apim_sync_watcher_messages_sent_total', 'counter', 'Messages accepted by the queues, by queue (changes, resyncs).', [
      [{ queue: 'changes' }, this.messagesSent - this.resyncMessagesSent],
      [{ queue: 'resyncs' }, this.resyncMessagesSent],
    ]);
    family('apim_sync_watcher_send_errors_total', 'counter', 'Failed sends (a failed batch call, or one failed entry of a batch); the messages stay pending.', [[{}, this.sendErrors]]);
    family('apim_sync_watcher_watch_restarts_total', 'counter', 'Watches restarted, by kind and cause (expired = 410 Gone, relisted).', samples(this.watchRestarts));
    family('apim_sync_watcher_watched_objects', 'gauge', 'Objects of the synced kinds held in memory (keys and versions only), by kind.', Object.entries(this.gauges.watchedObjectsByKind()).map(([kind, n]) => [{ kind }, n]));
    family('apim_sync_watcher_tracked_references', 'gauge', 'Referenced Secrets and ConfigMaps whose version is held.', [[{}, this.gauges.trackedReferences()]]);
    family('apim_sync_watcher_pending_messages', 'gauge', 'Messages waiting to be sent (including ones being retried).', [[{}, this.gauges.pendingMessages()]]);
    family('apim_sync_watcher_resync_remaining', 'gauge', 'Objects of the running resync not yet released (the resync is paced).', [[{}, this.gauges.resyncRemaining?.() ?? 0]]);
    family('apim_sync_watcher_control_plane_connections', 'gauge', 'WSO2 control-plane connections held for APIGateways, by state.', Object.entries(this.controlPlaneConnections()).map(([state, n]) => [{ state }, n]));
    family('apim_sync_watcher_control_plane_events_total', 'counter', 'Messages received from WSO2 control planes, by type.', samples(this.controlPlaneEvents));
    family('apim_sync_watcher_control_plane_acks_total', 'counter', 'deployment.ack messages sent to WSO2 control planes, by status.', samples(this.controlPlaneAcks));
    family('apim_sync_watcher_control_plane_acks_read_total', 'counter', 'deployment.ack messages a WSO2 control plane was seen to read (a ping sent after them answered).', [[{}, this.controlPlaneAcksRead]]);
    family('apim_sync_watcher_control_plane_reconnects_total', 'counter', 'Control-plane connection attempts after the first, by cause.', samples(this.controlPlaneReconnects));
    family('apim_sync_watcher_ready', 'gauge', '1 when the initial lists are done and the queue is reachable.', [[{}, this.gauges.ready() ? 1 : 0]]);
    const mem = process.memoryUsage();
    family('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [[{}, mem.rss]]);
    family('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', [[{}, mem.heapUsed]]);
    family('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved, in bytes.', [[{}, mem.heapTotal]]);
    return `${out.join('\n')}\n`;
  }
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}
