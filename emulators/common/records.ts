/** What every vendor emulator records, for tests and benchmarks. */

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
