/** What every vendor emulator records, for tests and benchmarks. */
import { describeViolation, type Violation } from '../openapi/index.ts';

/** A request outside the vendor's published contract; tests assert there are none. */
export interface ContractViolation {
  method: string;
  path: string;
  problems: string[];
}

export interface CallRecord {
  method: string;
  /** Path without the query string. */
  path: string;
  /** 0 when the connection was dropped by an injected fault. */
  status: number;
}

/** Adds a request outside the contract to `log`; returns its problems as the lines recorded. */
export function recordViolation(log: ContractViolation[], method: string, path: string, problems: readonly (Violation | string)[]): string[] {
  const texts = problems.map((p) => (typeof p === 'string' ? p : describeViolation(p)));
  log.push({ method, path, problems: texts });
  return texts;
}

/** Appends to a call log bounded by `max`, trimmed in batches: dropping one entry per request would move the whole array every time. */
export function recordCall<C extends CallRecord>(calls: C[], call: C, max: number): void {
  calls.push(call);
  if (calls.length > max + 1024) calls.splice(0, calls.length - max);
}
