import type { KindDefinition } from './kind.ts';

/** The kinds one sync function serves, looked up by apiVersion and kind from a queue message. */
export class KindCatalog {
  private readonly kinds = new Map<string, KindDefinition>();
  constructor(kinds: KindDefinition<any>[]) {
    for (const k of kinds) for (const v of [k.apiVersion, ...(k.alsoServedAs ?? [])]) this.kinds.set(`${v}/${k.kind}`, k);
  }
  get(apiVersion: string, kind: string): KindDefinition | undefined {
    return this.kinds.get(`${apiVersion}/${kind}`);
  }
  all(): KindDefinition[] {
    return [...new Set(this.kinds.values())];
  }
}
