/**
 * Server-side printing: `kubectl get` asks for `as=Table;g=meta.k8s.io;v=v1` (negotiated in media-negotiation.ts) and
 * prints the columns it gets (additionalPrinterColumns for custom resources, the built-in printers for core kinds).
 */
import type { KubeObj, PrinterColumn, ResourceType } from './resource-type.ts';

const NAME_COLUMN: PrinterColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
  jsonPath: '.metadata.name',
};
const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0, jsonPath: '.metadata.creationTimestamp' };

export function toTable(t: ResourceType, version: string, items: KubeObj[], listMeta: Record<string, unknown>, includeObject: string | null): KubeObj {
  const custom = t.custom ? customColumns(t, version) : undefined;
  const columns = custom ?? t.strategy.table?.columns ?? [NAME_COLUMN, AGE_COLUMN];
  const cells = (o: KubeObj) =>
    custom ? custom.map((c) => cell(c, o)) : t.strategy.table ? t.strategy.table.cells(o) : [o.metadata.name, age(o)];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map(({ name, type, format, description, priority }) => ({ name, type, format: format ?? '', description: description ?? '', priority: priority ?? 0 })),
    rows: items.map((o) => ({ cells: cells(o), object: rowObject(o, includeObject ?? 'Metadata') })),
  };
}

function rowObject(o: KubeObj, include: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

function customColumns(t: ResourceType, version: string): PrinterColumn[] {
  const v = t.versions.find((x) => x.name === version);
  const extra = v?.printerColumns ?? [];
  // A CRD without an Age column still gets one, as apiextensions' table convertor adds it.
  return [NAME_COLUMN, ...extra, ...(extra.some((c) => c.jsonPath === '.metadata.creationTimestamp') ? [] : [AGE_COLUMN])];
}

function cell(c: PrinterColumn, o: KubeObj): unknown {
  const values = jsonPath(o, c.jsonPath);
  if (values.length === 0) return null;
  const v = values[0];
  if (c.type === 'date' && typeof v === 'string') return age({ metadata: { creationTimestamp: v } });
  if (typeof v === 'object' && v !== null) return JSON.stringify(v);
  return c.type === 'string' ? String(v) : v;
}

/** The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*].b`, `.a[?(@.type=="Ready")].status`. */
export function jsonPath(root: unknown, path: string): unknown[] {
  const expr = path.replace(/^\{|\}$/g, '').replace(/^\$/, '');
  const tokens = expr.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let current: unknown[] = [root];
  for (const tok of tokens) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v === null || typeof v !== 'object') continue;
      if (tok.startsWith('.')) {
        const key = tok.slice(1);
        if (key in (v as object)) next.push((v as Record<string, unknown>)[key]);
      } else if (Array.isArray(v)) {
        const inner = tok.slice(1, -1);
        const filter = /^\?\(@\.([\w.-]+)\s*==\s*["']?([^"')]*)["']?\)$/.exec(inner);
        if (inner === '*') next.push(...v);
        else if (filter) next.push(...v.filter((e) => e && String(e[filter[1]]) === filter[2]));
        else if (/^-?\d+$/.test(inner)) {
          const i = Number(inner);
          const e = v[i < 0 ? v.length + i : i];
          if (e !== undefined) next.push(e);
        }
      }
    }
    current = next;
  }
  return current;
}

/** duration.HumanDuration of the object's age, as kubectl prints AGE. */
export function age(o: { metadata?: { creationTimestamp?: string } }): string {
  const ts = o.metadata?.creationTimestamp;
  if (!ts) return '<unknown>';
  return humanDuration(Date.now() - Date.parse(ts));
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${d}d`;
  const y = Math.floor(d / 365);
  if (h < 24 * 365 * 8) return d % 365 === 0 ? `${y}y` : `${y}y${d % 365}d`;
  return `${y}y`;
}
