import type { ObjectRef } from '../shared/kube/object-ref.ts';

interface Referenced {
  /** The one copy of this key string; objects' ref lists share it. */
  key: string;
  ref: ObjectRef;
  users: Set<string>;
}

/** Who reads what: for each referenced object (context, Secret, ConfigMap), the keys of the objects that read it. */
export class DependencyIndex {
  private readonly byKey = new Map<string, Referenced>();

  /** Identical ref lists share one frozen array (10,000 objects of one context: one array, not 10,000). */
  private readonly lists = new Map<string, { refs: readonly string[]; count: number }>();

  /**
   * Replaces the references of one object. Returns its new ref keys (interned, shared, frozen) and the keys it no
   * longer references.
   */
  update(user: string, oldRefs: readonly string[], newRefs: ReadonlyArray<{ key: string; ref: ObjectRef }>): { refs: readonly string[]; dropped: string[] } {
    const keys: string[] = [];
    for (const { key, ref } of newRefs) {
      let r = this.byKey.get(key);
      if (!r) this.byKey.set(key, (r = { key, ref, users: new Set() }));
      r.users.add(user);
      if (!keys.includes(r.key)) keys.push(r.key);
    }
    const dropped: string[] = [];
    for (const key of oldRefs) {
      if (keys.includes(key)) continue;
      const r = this.byKey.get(key);
      if (!r) continue;
      r.users.delete(user);
      if (r.users.size === 0) this.byKey.delete(key);
      dropped.push(key);
    }
    this.release(oldRefs);
    return { refs: this.share(keys), dropped };
  }

  private share(keys: string[]): readonly string[] {
    if (keys.length === 0) return NO_KEYS;
    const id = keys.join('\n');
    let list = this.lists.get(id);
    if (!list) this.lists.set(id, (list = { refs: Object.freeze(keys.slice()), count: 0 }));
    list.count++;
    return list.refs;
  }

  private release(refs: readonly string[]): void {
    if (refs.length === 0) return;
    const id = refs.join('\n');
    const list = this.lists.get(id);
    if (list && --list.count <= 0) this.lists.delete(id);
  }

  isReferenced(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Direct users of key. */
  users(key: string): ReadonlySet<string> {
    return this.byKey.get(key)?.users ?? EMPTY;
  }

  /** Everything that reads key directly or through others (Secret → contexts → APIs), breadth first, without key. */
  transitiveUsers(key: string): string[] {
    const seen = new Set<string>([key]);
    const out: string[] = [];
    const queue = [key];
    for (let i = 0; i < queue.length; i++) {
      for (const u of this.users(queue[i])) {
        if (seen.has(u)) continue;
        seen.add(u);
        out.push(u);
        queue.push(u);
      }
    }
    return out;
  }

  /** Referenced objects matching a filter (e.g. the Secrets of one namespace). */
  *referenced(filter: (ref: ObjectRef) => boolean): Generator<{ key: string; ref: ObjectRef }> {
    for (const r of this.byKey.values()) if (filter(r.ref)) yield { key: r.key, ref: r.ref };
  }

  get size(): number {
    return this.byKey.size;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
const NO_KEYS: readonly string[] = Object.freeze([]);
