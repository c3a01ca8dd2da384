/**
 * Sets of field paths, as structured-merge-diff keeps them for managedFields: a tree whose edges are path elements
 * written as FieldsV1 writes them (`f:name` a field, `k:{"name":"x"}` an item of an associative list by its keys,
 * `v:"x"` an item of a set, `i:0` an item of an atomic list) and whose members are the paths owned.
 */

/** One path element, in its FieldsV1 spelling. */
export type PathElement = string;

export const fieldElement = (name: string): PathElement => `f:${name}`;
export const valueElement = (value: unknown): PathElement => `v:${JSON.stringify(value)}`;

/** `k:{…}` with the key fields in name order, as fieldpath serializes them. */
export function keyElement(keys: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(keys).sort()) sorted[k] = keys[k];
  return `k:${JSON.stringify(sorted)}`;
}

export class FieldSet {
  /** Children that are members themselves (owned paths). */
  readonly members = new Set<PathElement>();
  /** Children under which there are members. */
  readonly children = new Map<PathElement, FieldSet>();

  insert(path: readonly PathElement[]): void {
    if (path.length === 0) return;
    let node: FieldSet = this;
    for (let i = 0; i < path.length - 1; i++) node = node.child(path[i]);
    node.members.add(path[path.length - 1]);
  }

  has(path: readonly PathElement[]): boolean {
    let node: FieldSet | undefined = this;
    for (let i = 0; i < path.length - 1 && node; i++) node = node.children.get(path[i]);
    return !!node && node.members.has(path[path.length - 1]);
  }

  /** The subtree under a path (what is owned below it), if any. */
  under(path: readonly PathElement[]): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const pe of path) node = node?.children.get(pe);
    return node && !node.empty() ? node : undefined;
  }

  empty(): boolean {
    return this.members.size === 0 && [...this.children.values()].every((c) => c.empty());
  }

  /** Every member path. */
  *paths(prefix: PathElement[] = []): Generator<PathElement[]> {
    for (const m of this.members) yield [...prefix, m];
    for (const [pe, c] of this.children) yield* c.paths([...prefix, pe]);
  }

  union(other: FieldSet): FieldSet {
    const out = this.copy();
    for (const p of other.paths()) out.insert(p);
    return out;
  }

  /** Members of this set that are not members of other (children of a removed member stay: not recursive). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (!other.has(p)) out.insert(p);
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (other.has(p)) out.insert(p);
    return out;
  }

  /** Without the members at or under any of the given prefixes (fields a strategy resets, as `status` on the main resource). */
  withoutPrefixes(prefixes: readonly (readonly PathElement[])[]): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (!prefixes.some((pre) => pre.every((pe, i) => p[i] === pe))) out.insert(p);
    return out;
  }

  /** Only the members at or under the prefix. */
  onlyUnder(prefix: readonly PathElement[]): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (prefix.every((pe, i) => p[i] === pe)) out.insert(p);
    return out;
  }

  /** Without exactly these member paths (their children stay), as the apiserver strips metadata.name and friends. */
  without(paths: readonly (readonly PathElement[])[]): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) if (!paths.some((x) => x.length === p.length && x.every((pe, i) => p[i] === pe))) out.insert(p);
    return out;
  }

  /** The FieldsV1 JSON form: `{"f:spec": {"f:replicas": {}, "f:template": {".": {}, …}}}`, keys in order. */
  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const pe of [...new Set([...this.members, ...this.children.keys()])].sort(byElement)) {
      const c = this.children.get(pe);
      const inner = c && !c.empty() ? c.toFieldsV1() : {};
      out[pe] = c && !c.empty() && this.members.has(pe) ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  static fromFieldsV1(json: unknown): FieldSet {
    const set = new FieldSet();
    const walk = (node: unknown, prefix: PathElement[]) => {
      if (!node || typeof node !== 'object') return;
      for (const [pe, child] of Object.entries(node as Record<string, unknown>)) {
        if (pe === '.') {
          set.insert(prefix);
          continue;
        }
        const path = [...prefix, pe];
        if (!child || typeof child !== 'object' || Object.keys(child).length === 0) set.insert(path);
        else walk(child, path);
      }
    };
    walk(json, []);
    return set;
  }

  private child(pe: PathElement): FieldSet {
    let c = this.children.get(pe);
    if (!c) this.children.set(pe, (c = new FieldSet()));
    return c;
  }

  private copy(): FieldSet {
    const out = new FieldSet();
    for (const p of this.paths()) out.insert(p);
    return out;
  }
}

/** fieldpath's order: fields, then keys, then values, then indexes; by value within each. */
function byElement(a: PathElement, b: PathElement): number {
  const rank = (pe: PathElement) => 'fkvi'.indexOf(pe[0]);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** A path as fieldpath.Path.String() prints it in conflict messages: `.spec.ports[port=80,protocol="TCP"].name`. */
export function pathString(path: readonly PathElement[]): string {
  return path
    .map((pe) => {
      const rest = pe.slice(2);
      if (pe.startsWith('f:')) return `.${rest}`;
      if (pe.startsWith('v:')) return `[=${rest}]`;
      if (pe.startsWith('i:')) return `[${rest}]`;
      const keys = JSON.parse(rest) as Record<string, unknown>;
      return `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
    })
    .join('');
}
