/**
 * The parts of a URL as Go's `url.Parse` splits them, for the validators' scheme/host/path checks. Go
 * accepts what WHATWG URLs refuse (`not a url` is a path), so the split is done here, not by `URL`.
 */

interface GoUrl {
  scheme: string;
  host: string;
  path: string;
  rawQuery: string;
  forceQuery: boolean;
  fragment: string;
}

/** The parts, or an Error worded as Go's (`parse "x": …`) for the few inputs Go refuses. */
export function parseGoUrl(raw: string): GoUrl | Error {
  if (/[\u0000-\u001f\u007f]/.test(raw)) return new Error(`parse ${JSON.stringify(raw)}: net/url: invalid control character in URL`);
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (schemeMatch) {
    scheme = schemeMatch[1]!.toLowerCase();
    rest = rest.slice(schemeMatch[0].length);
  } else if (/^[^/?]*:/.test(rest) && !rest.startsWith('/')) {
    return new Error(`parse ${JSON.stringify(raw)}: first path segment in URL cannot contain colon`);
  }
  let rawQuery = '';
  let forceQuery = false;
  const question = rest.indexOf('?');
  if (question >= 0) {
    rawQuery = rest.slice(question + 1);
    forceQuery = rawQuery === '';
    rest = rest.slice(0, question);
  }
  let host = '';
  if (rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    if (/\s/.test(host) || (host.startsWith('[') && !host.includes(']'))) {
      return new Error(`parse ${JSON.stringify(raw)}: invalid host`);
    }
  }
  return { scheme, host, path: rest, rawQuery, forceQuery, fragment };
}
