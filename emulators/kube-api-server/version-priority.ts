/**
 * Kubernetes version ordering (apimachinery's version.CompareKubeAwareVersionStrings): GA before beta before alpha,
 * higher numbers first, anything not kube-like last in lexical order. Decides preferred versions in discovery.
 */
const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

function rank(v: string): [number, number, number] | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const level = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  return [level, Number(m[1]), m[3] === undefined ? 0 : Number(m[3])];
}

/** Negative when `a` has the higher priority. */
export function compareVersions(a: string, b: string): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra && rb) return rb[0] - ra[0] || rb[1] - ra[1] || rb[2] - ra[2];
  if (ra) return -1;
  if (rb) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
