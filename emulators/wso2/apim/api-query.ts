/**
 * The search language of `GET /apis?query=` as the Publisher spec describes it: `attribute:value` modifiers,
 * space-separated and all required; a quoted value matches exactly, an unquoted one by containment; a term
 * without a modifier searches names. Attributes: name, version, context, status, description, provider (and
 * `content:`, which APIM turns into a name search). Matching ignores case, as APIM's search index does. An
 * attribute APIM does not index matches nothing.
 */
import type { StoredApi } from './apis-store.ts';

export interface QueryTerm {
  attribute: string;
  value: string;
  exact: boolean;
}

const FIELDS: Record<string, string> = {
  name: 'name',
  content: 'name',
  version: 'version',
  context: 'context',
  status: 'lifeCycleStatus',
  description: 'description',
  provider: 'provider',
};

export function parseQuery(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  let i = 0;
  while (i < query.length) {
    while (query[i] === ' ') i++;
    if (i >= query.length) break;
    let attribute = 'name';
    const modifier = /^([A-Za-z][\w-]*):/.exec(query.slice(i));
    if (modifier) {
      attribute = modifier[1]!.toLowerCase();
      i += modifier[0].length;
    }
    if (query[i] === '"') {
      const end = query.indexOf('"', i + 1);
      const close = end < 0 ? query.length : end;
      terms.push({ attribute, value: query.slice(i + 1, close), exact: true });
      i = close + 1;
    } else {
      let end = query.indexOf(' ', i);
      if (end < 0) end = query.length;
      terms.push({ attribute, value: query.slice(i, end), exact: false });
      i = end;
    }
  }
  return terms;
}

export function matches(api: StoredApi, terms: QueryTerm[]): boolean {
  return terms.every((t) => {
    const field = FIELDS[t.attribute];
    if (!field) return false;
    const actual = String(api.api[field] ?? '').toLowerCase();
    const wanted = t.value.toLowerCase();
    return t.exact ? actual === wanted : actual.includes(wanted);
  });
}

const SORT_FIELDS: Record<string, string> = { apiName: 'name', version: 'version', status: 'lifeCycleStatus' };

/** `sortBy` (default createdTime) and `sortOrder` (default desc), as `searchPaginatedAPIs`. */
export function sortApis(apis: StoredApi[], sortBy: string | null, sortOrder: string | null): StoredApi[] {
  const field = SORT_FIELDS[sortBy ?? ''];
  const direction = sortOrder === 'asc' ? 1 : -1;
  return [...apis].sort((a, b) => {
    const byField = field ? String(a.api[field] ?? '').localeCompare(String(b.api[field] ?? '')) : 0;
    return direction * (byField || a.sequence - b.sequence);
  });
}

/** `Pagination` links as `RestApiCommonUtil.getAPIPaginatedURL` writes them (empty when there is none). */
export function pagination(offset: number, limit: number, total: number, query: string): Record<string, unknown> {
  const link = (o: number) => `/apis?limit=${limit}&offset=${o}&query=${query}`;
  return {
    offset,
    limit,
    total,
    next: offset + limit < total ? link(offset + limit) : '',
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : '',
  };
}
