/** Injected faults: error answers, throttling, dropped connections and delays, matched in order. */
import { drawByChance, seededRandom } from './seeded-random.ts';

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
  /**
   * Applies to this share (0..1) of the matching requests, drawn from the injector's seeded random source (chaos
   * runs). Rules without a chance are matched first; the chances of the matching rules add up (one draw per request).
   */
  chance?: number;
  /** Reseeds the injector's random source when the rule is injected, so a chaos run is reproducible. Default seed 1. */
  seed?: number;
  /**
   * Carry the request out first, then answer with the fault (status, delay, dropped connection): a response lost
   * after the vendor applied a write, as when a proxy times out or a connection breaks on the way back.
   */
  afterAnswer?: boolean;
}

const DEFAULT_SEED = 1;

export class FaultInjector {
  private rules: FaultRule[] = [];
  private random = seededRandom(DEFAULT_SEED);

  inject(rule: FaultRule): void {
    if (rule.seed !== undefined) this.random = seededRandom(rule.seed);
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
    this.random = seededRandom(DEFAULT_SEED);
  }

  /** The first rule matching the request, consuming one of its `times`; else one of the matching `chance` rules, drawn. */
  take(method: string, path: string): FaultRule | undefined {
    const byChance: FaultRule[] = [];
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i]!;
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path) {
        rule.path.lastIndex = 0;
        if (!rule.path.test(path)) continue;
      }
      if (rule.chance !== undefined) {
        byChance.push(rule);
        continue;
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
    const drawn = drawByChance(byChance, this.random);
    if (drawn?.times !== undefined && --drawn.times <= 0) this.rules.splice(this.rules.indexOf(drawn), 1);
    return drawn;
  }
}
