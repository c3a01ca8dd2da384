/** An id-keyed collection of records in 3scale's wire shape (keys starting with `_` are internal). */

export type Rec = { id: number } & Record<string, unknown>;

export class Table<T extends Rec> {
  private readonly rows = new Map<number, T>();

  get size(): number {
    return this.rows.size;
  }

  add(row: T): T {
    this.rows.set(row.id, row);
    return row;
  }

  get(id: number): T | undefined {
    return this.rows.get(id);
  }

  delete(id: number): boolean {
    return this.rows.delete(id);
  }

  /** In creation order (ids grow), which is porta's default list order. */
  values(): T[] {
    return [...this.rows.values()];
  }

  filter(test: (row: T) => boolean): T[] {
    return this.values().filter(test);
  }

  find(test: (row: T) => boolean): T | undefined {
    for (const row of this.rows.values()) if (test(row)) return row;
    return undefined;
  }

  deleteWhere(test: (row: T) => boolean): number {
    let n = 0;
    for (const [id, row] of this.rows) if (test(row) && this.rows.delete(id)) n++;
    return n;
  }

  clear(): void {
    this.rows.clear();
  }
}

/** The wire form of a record: internal `_` keys left out. */
export function wire(row: Rec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (!k.startsWith('_')) out[k] = v;
  return out;
}
