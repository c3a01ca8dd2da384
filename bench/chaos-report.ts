import type { ChaosResult } from './chaos.ts';

/** The chaos scenario's table: what was injected, then the four figures the issue asks for beside their targets. */
export function chaosRows(c: ChaosResult): [string, string, string][] {
  const faults = Object.entries(c.vendorFaults).map(([status, n]) => `${n} × ${status === '0' ? 'cut/held' : status}`).join(', ');
  const rows: [string, string, string][] = [
    ['vendor calls, of which injected faults', `${c.vendorCalls}, ${faults || 'none'}`, '5xx 10 %, 429 5 %, timeouts 2 %'],
    ['crashes between vendor write and status write', String(c.crashes), '1 % of syncs that wrote'],
    ['status writes refused with 409 Conflict', String(c.statusConflicts), '5 % of status writes'],
    ['watch expiries (410) / watcher restarts, mid-burst', `${c.watchExpiries} / ${c.watcherRestarts}`, ''],
    ['objects changed again during the run', String(c.updated), ''],
    ['all in step (Ready at generation) and queue drained', c.convergedSeconds === undefined ? 'never' : `${c.convergedSeconds} s`, ''],
    ['lost objects', String(c.lost.length), '0'],
    ['duplicate vendor objects', String(c.duplicates.length), '0'],
    ['messages in the DLQ', String(c.dlqMessages), '0'],
    ['receives / redeliveries', `${c.receives} / ${c.redeliveries}`, ''],
    ['requests outside the published contract', String(c.contractViolations), '0'],
    ['syncs retried, by reason', Object.entries(c.retriedByReason).map(([r, n]) => `${r} ${n}`).join(', ') || 'none', ''],
  ];
  for (const d of c.dlqObjects.slice(0, 10)) rows.push([`  in the DLQ: ${d}`, '', '']);
  for (const l of c.lost.slice(0, 10)) rows.push([`  lost: ${l.cluster} ${l.kind} ${l.name}`, l.ready.slice(0, 160), '']);
  for (const d of c.duplicates.slice(0, 10)) rows.push([`  duplicate: ${d.vendor} ${d.what} ${d.key}`, `${d.copies} copies`, '']);
  return rows;
}
