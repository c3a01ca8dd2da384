/** labelSelector and fieldSelector of list/watch/deletecollection, with apimachinery's grammar and semantics. */
import { badRequest } from './status-errors.ts';
import type { KubeObj, ResourceType } from './resource-type.ts';

type Requirement =
  | { key: string; op: 'exists' | '!' }
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: Set<string> }
  | { key: string; op: '<' | '>'; value: number };

export type Matcher = (obj: KubeObj) => boolean;

/** Splits on commas outside parentheses: `a in (x,y),b` -> [`a in (x,y)`, `b`]. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

function parseRequirement(part: string, whole: string): Requirement {
  let m: RegExpExecArray | null;
  if ((m = /^!\s*([^\s!=<>(),]+)$/.exec(part))) return { key: m[1], op: '!' };
  if ((m = /^([^\s!=<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part)))
    return { key: m[1], op: m[2] as 'in' | 'notin', values: new Set(m[3].split(',').map((v) => v.trim()).filter((v, i, a) => v !== '' || a.length === 1)) };
  if ((m = /^([^\s!=<>(),]+)\s*(==|=|!=)\s*([^\s!=<>(),]*)$/.exec(part))) return { key: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  if ((m = /^([^\s!=<>(),]+)\s*([<>])\s*(-?\d+)$/.exec(part))) return { key: m[1], op: m[2] as '<' | '>', value: Number(m[3]) };
  if ((m = /^([^\s!=<>(),]+)$/.exec(part))) return { key: m[1], op: 'exists' };
  throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt (selector "${whole}")`);
}

export function parseLabelSelector(selector: string | null): Matcher | undefined {
  if (!selector || !selector.trim()) return undefined;
  const reqs = splitTopLevel(selector).filter(Boolean).map((p) => parseRequirement(p, selector));
  return (obj) => {
    const labels: Record<string, string> = obj.metadata?.labels ?? {};
    return reqs.every((r) => {
      const has = Object.hasOwn(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'exists':
          return has;
        case '!':
          return !has;
        case '=':
          return has && v === r.value;
        case '!=':
          return !has || v !== r.value;
        case 'in':
          return has && r.values.has(v);
        case 'notin':
          return !has || !r.values.has(v);
        case '<':
        case '>': {
          const n = Number(v);
          return has && Number.isFinite(n) && (r.op === '<' ? n < r.value : n > r.value);
        }
      }
    });
  };
}

/** Field selectors support `=`, `==`, `!=` on metadata.name, metadata.namespace and the kind's own field labels. */
export function parseFieldSelector(selector: string | null, t: ResourceType): Matcher | undefined {
  if (!selector || !selector.trim()) return undefined;
  const reqs = splitTopLevel(selector).filter(Boolean).map((part) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    return { field: m[1].trim(), negate: m[2] === '!=', value: m[3].trim() };
  });
  const sample = t.strategy.fieldLabels?.({ metadata: {} }) ?? {};
  for (const r of reqs) {
    if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !(r.field in sample))
      throw badRequest(`field label not supported: ${r.field}`);
  }
  return (obj) => {
    const fields: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '', ...(t.strategy.fieldLabels?.(obj) ?? {}) };
    return reqs.every((r) => (fields[r.field] === r.value) !== r.negate);
  };
}

export function allOf(...ms: (Matcher | undefined)[]): Matcher | undefined {
  const list = ms.filter((m): m is Matcher => !!m);
  if (list.length === 0) return undefined;
  return (o) => list.every((m) => m(o));
}
