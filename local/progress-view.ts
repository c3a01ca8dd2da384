import { KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import type { Condition } from '../shared/engine/conditions.ts';
import type { KubeObject, ObjectRef } from '../shared/kube/object-ref.ts';

interface Row {
  resource: string;
  ready: string;
  accepted: string;
  reason: string;
  message: string;
}

/**
 * Shows each resource's sync progress until every one has settled (Ready=True for its current generation, or a spec
 * 3scale calls Invalid: nothing changes until it is edited): a live table at a terminal, one JSON line per change
 * otherwise. A Ready=False that is retried (a reference not yet resolved, a vendor not answering) is not settled.
 */
export async function showProgress(kc: KubeConfig, refs: ObjectRef[], opts: { timeoutMs?: number; out?: NodeJS.WriteStream } = {}): Promise<boolean> {
  const out = opts.out ?? process.stdout;
  const api = KubernetesObjectApi.makeApiClient(kc);
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const last = new Map<string, string>();
  let drawn = 0;
  for (;;) {
    const rows: (Row & { settled: boolean })[] = [];
    for (const ref of refs) {
      const obj = (await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } }).catch(() => undefined)) as KubeObject | undefined;
      const conds = (obj?.status?.conditions ?? []) as Condition[];
      const ready = conds.find((c) => c.type === 'Ready');
      const accepted = conds.find((c) => c.type === 'Accepted' || c.type === 'Synced');
      rows.push({
        resource: `${ref.kind} ${ref.namespace}/${ref.name}`,
        ready: ready?.status ?? '…',
        accepted: accepted?.status ?? '…',
        reason: ready?.reason ?? 'Pending',
        message: ready?.message ?? '',
        settled: Boolean(ready && ready.observedGeneration === obj?.metadata.generation && (ready.status === 'True' || conds.some((c) => c.type === 'Invalid' && c.status === 'True'))),
      });
    }
    if (out.isTTY) {
      if (drawn) out.write(`\x1b[${drawn}A\x1b[J`);
      const lines = table(rows, out.columns ?? 120);
      out.write(lines.join('\n') + '\n');
      drawn = lines.length;
    } else {
      for (const r of rows) {
        const line = JSON.stringify({ resource: r.resource, ready: r.ready, accepted: r.accepted, reason: r.reason, message: r.message });
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
  const head: Row = { resource: 'RESOURCE', ready: 'READY', accepted: 'ACCEPTED', reason: 'REASON', message: 'MESSAGE' };
  const all = [head, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const cols: (keyof Row)[] = ['resource', 'ready', 'accepted', 'reason'];
  return all.map((r) => {
    const line = cols.map((k) => r[k].padEnd(w(k))).join('  ') + '  ' + r.message;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line;
  });
}
