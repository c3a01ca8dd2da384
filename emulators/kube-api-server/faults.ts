/** Fault injection for tests: fail, delay or cut matching requests, a given number of times or until cleared. */
import { drawByChance, seededRandom } from '../common/seeded-random.ts';

export interface FaultRule {
  method?: string;
  path?: RegExp;
  status?: number;
  times?: number;
  dropConnection?: boolean;
  delayMs?: number;
  /** Answer 403 as RBAC does when the caller lacks the request's verb on its resource (`User "..." cannot get resource ...`). */
  forbidden?: boolean;
  /**
   * Applies to this share (0..1) of the matching requests, drawn from a seeded random source (chaos runs: a 409 on
   * some status writes). Rules without a chance are matched first; the chances of matching rules add up.
   */
  chance?: number;
  /** Reseeds the random source when the rule is injected (reproducible runs). Default seed 1. */
  seed?: number;
}

export class Faults {
  private rules: FaultRule[] = [];
  private random = seededRandom(1);

  inject(rule: FaultRule): void {
    if (rule.seed !== undefined) this.random = seededRandom(rule.seed);
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
    this.random = seededRandom(1);
  }

  /** The first rule matching the request (method, and path plus query), consuming one of its `times`; else a `chance` rule, drawn. */
  take(method: string, url: string): FaultRule | undefined {
    const matches = (r: FaultRule) => (!r.method || r.method.toUpperCase() === method) && (!r.path || testFresh(r.path, url));
    let i = this.rules.findIndex((r) => r.chance === undefined && matches(r));
    if (i < 0) {
      const drawn = drawByChance(this.rules.filter((r) => r.chance !== undefined && matches(r)), this.random);
      i = drawn ? this.rules.indexOf(drawn) : -1;
    }
    if (i < 0) return undefined;
    const rule = this.rules[i];
    if (rule.times !== undefined && --rule.times <= 0) this.rules.splice(i, 1);
    return rule;
  }
}

/** A global or sticky RegExp keeps lastIndex between calls; matching must not depend on earlier requests. */
function testFresh(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}
