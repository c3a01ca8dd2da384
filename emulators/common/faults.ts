/** Injected faults: error answers, throttling, dropped connections and delays, matched in order. */

export interface FaultRule {
  method?: string;
  /** Tested against the request path (without the query string). */
  path?: RegExp;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Body of that answer; defaults to the emulated vendor's error body for the status. */
  body?: unknown;
  /** Adds a `Retry-After` header (seconds). */
  retryAfterSeconds?: number;
  /** How many requests the rule applies to; unlimited when omitted. */
  times?: number;
  /** Destroy the connection without answering. */
  dropConnection?: boolean;
  /**
   * Wait this long first; alone, the request is then handled normally. The body is read meanwhile, so a client
   * that gives up waiting leaves a request that is still carried out, as by a real server (`exchange.ts`).
   */
  delayMs?: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching the request, consuming one of its `times`. */
  take(method: string, path: string): FaultRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path) {
        rule.path.lastIndex = 0;
        if (!rule.path.test(path)) continue;
      }
      if (rule.times !== undefined) {
        if (rule.times <= 0) {
          this.rules.splice(i--, 1);
          continue;
        }
        rule.times -= 1;
        if (rule.times <= 0) this.rules.splice(i, 1);
      }
      return rule;
    }
    return undefined;
  }
}
