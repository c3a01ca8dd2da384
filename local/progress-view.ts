import { KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import type { Condition } from '../shared/engine/conditions.ts';
import type { KubeObject, ObjectRef } from '../shared/kube/object-ref.ts';

export interface Row {
  resource: string;
  ready: string;
  /** The condition `kubectl wait` waits for on this kind, with its status (Accepted=True, Synced=False, …). */
  condition: string;
  reason: string;
  message: string;
}

/**
 * The condition each vendor's operator reports an object's sync with, by preference: WSO2's Programmed, 3scale's
 * Synced (Backend, Product), GKO's Accepted; the other 3scale kinds have only Ready.
 */
const SYNC_CONDITIONS = ['Programmed', 'Synced', 'Accepted', 'Ready'];

/**
 * One resource's line. An object whose last sync waits for another resource (the plane knows; `waiting`) says
 * `Waiting` whatever reason its conditions give (GKO's ReconcileFailed, kept in status as the operator writes it).
 */
export function progressRow(ref: ObjectRef, obj: KubeObject | undefined, waiting = false): Row & { settled: boolean } {
  const conds = (obj?.status?.conditions ?? []) as Condition[];
  const ready = conds.find((c) => c.type === 'Ready');
  const sync = SYNC_CONDITIONS.map((t) => conds.find((c) => c.type === t)).find(Boolean);
  const settled = Boolean(ready && ready.observedGeneration === obj?.metadata.generation && (ready.status === 'True' || conds.some((c) => c.type === 'Invalid' && c.status === 'True')));
  return {
    resource: `${ref.kind} ${ref.namespace}/${ref.name}`,
    ready: ready?.status ?? '…',
    condition: sync ? `${sync.type}=${sync.status}` : '…',
    reason: !settled && waiting ? 'Waiting' : (ready?.reason ?? 'Pending'),
    message: ready?.message ?? '',
    settled,
  };
}

/**
 * Shows each resource's sync progress until every one has settled (Ready=True for its current generation, or a spec
 * 3scale calls Invalid: nothing changes until it is edited): a live table at a terminal, one JSON line per change
 * otherwise. A Ready=False that is retried (a reference not yet resolved, a vendor not answering) is not settled.
 */
export async function showProgress(
  kc: KubeConfig,
  refs: ObjectRef[],
  opts: { timeoutMs?: number; out?: NodeJS.WriteStream; waiting?: (ref: ObjectRef) => boolean } = {},
): Promise<boolean> {
  const out = opts.out ?? process.stdout;
  const api = KubernetesObjectApi.makeApiClient(kc);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const last = new Map<string, string>();
  let drawn = 0;
  for (;;) {
    const rows: (Row & { settled: boolean })[] = [];
    for (const ref of refs) {
      const obj = (await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }).catch(() => undefined)) as KubeObject | undefined;
      rows.push(progressRow(ref, obj, opts.waiting?.(ref)));
    }
    if (out.isTTY) {
      if (drawn) out.write(`\x1b[${drawn}A\x1b[J`);
      const lines = table(rows, out.columns ?? 120);
      out.write(lines.join('\n') + '\n');
      drawn = lines.length;
    } else {
      for (const r of rows) {
        const line = JSON.stringify({ resource: r.resource, ready: r.ready, condition: r.condition, reason: r.reason, message: r.message });
        if (last.get(r.resource) !== line) out.write(`${line}\n`);
        last.set(r.resource, line);
      }
    }
    if (rows.every((r) => r.settled)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function table(rows: Row[], width: number): string[] {
  const head: Row = { resource: 'RESOURCE', ready: 'READY', condition: 'CONDITION', reason: 'REASON', message: 'MESSAGE' };
  const all = [head, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const cols: (keyof Row)[] = ['resource', 'ready', 'condition', 'reason'];
  return all.map((r) => {
    const line = cols.map((k) => r[k].padEnd(w(k))).join('  ') + '  ' + r.message;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
}
