/** Fault injection for tests: fail, delay or cut matching requests, a given number of times or until cleared. */

export interface FaultRule {
  method?: string;
  path?: RegExp;
  status?: number;
  times?: number;
  dropConnection?: boolean;
  delayMs?: number;
  /** Answer 403 as RBAC does when the caller lacks the request's verb on its resource (`User "..." cannot get resource ...`). */
  forbidden?: boolean;
}

export class Faults {
  private rules: FaultRule[] = [];

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** The first rule matching the request (method, and path plus query), consuming one of its `times`. */
  take(method: string, url: string): FaultRule | undefined {
    const i = this.rules.findIndex((r) => (!r.method || r.method.toUpperCase() === method) && (!r.path || testFresh(r.path, url)));
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
