/** A keyed collection of stored objects that tells an observer about every change (for indexes). */
import type { Json, Stored } from './store.ts';

export type ChangeListener<T> = (id: string, value: T | undefined) => void;

export class Table<T extends Json> {
  private readonly rows = new Map<string, Stored<T>>();
  private readonly onChange?: ChangeListener<T>;

  constructor(onChange?: ChangeListener<T>) {
    this.onChange = onChange;
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: string): Stored<T> | undefined {
    return this.rows.get(id);
  }

  entries(): IterableIterator<[string, Stored<T>]> {
    return this.rows.entries();
  }

  values(): T[] {
    return [...this.rows.values()].map((s) => s.value);
  }

  /** Creates or replaces; `revision` counts updates made through the API. */
  upsert(id: string, value: T): Stored<T> {
    const now = new Date().toISOString();
    const existing = this.rows.get(id);
    const stored: Stored<T> = existing
      ? { value, createdAt: existing.createdAt, updatedAt: now, revision: existing.revision + 1 }
      : { value, createdAt: now, updatedAt: now, revision: 1 };
    this.rows.set(id, stored);
    this.onChange?.(id, value);
    return stored;
  }

  /** Shallow-merges changes into a stored value (console drift); false when unknown. */
  patch(id: string, changes: Json): boolean {
    const stored = this.rows.get(id);
    if (!stored) return false;
    stored.value = { ...stored.value, ...structuredClone(changes) };
    stored.updatedAt = new Date().toISOString();
    this.onChange?.(id, stored.value);
    return true;
  }

  delete(id: string): Stored<T> | undefined {
    const stored = this.rows.get(id);
    if (!stored) return undefined;
    this.rows.delete(id);
    this.onChange?.(id, undefined);
    return stored;
  }
}
