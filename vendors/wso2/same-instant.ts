/** Two date-times that denote the same instant (the gateway may answer `…Z` for `…+00:00`, or add milliseconds). */
export function sameInstant(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const [x, y] = [Date.parse(a), Date.parse(b)];
  return Number.isFinite(x) && x === y;
}
