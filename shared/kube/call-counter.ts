/** Counts calls by verb; the benchmark reports them per sync. */
export class CallCounter {
  readonly counts = new Map<string, number>();
  add(verb: string): void {
    this.counts.set(verb, (this.counts.get(verb) ?? 0) + 1);
  }
  total(filter: (verb: string) => boolean = () => true): number {
    let n = 0;
    for (const [verb, c] of this.counts) if (filter(verb)) n += c;
    return n;
  }
}
