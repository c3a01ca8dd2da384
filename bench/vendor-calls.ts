/** Vendor calls as the emulator counted them, summed by method and by endpoint (ids replaced by `{id}`). */
export interface VendorCalls {
  total: number;
  byMethod: Record<string, number>;
  byEndpoint: Record<string, number>;
  /** Requests outside the vendor's published contract: should stay 0, else the figures are suspect. */
  violations?: number;
}

export type ServicesRequest = 'calls' | 'reset';

const numericIds = (method: string, path: string) => `${method} ${path.replace(/\/\d+(?=[/.]|$)/g, '/{id}')}`;

/** `endpointOf` names a call's endpoint (default: numeric ids replaced by `{id}`, as 3scale's and Gravitee's paths have them). */
export function countCalls(calls: readonly { method: string; path: string }[], endpointOf = numericIds): VendorCalls {
  const out: VendorCalls = { total: 0, byMethod: {}, byEndpoint: {} };
  for (const c of calls) {
    out.total++;
    out.byMethod[c.method] = (out.byMethod[c.method] ?? 0) + 1;
    const e = endpointOf(c.method, c.path);
    out.byEndpoint[e] = (out.byEndpoint[e] ?? 0) + 1;
  }
  return out;
}
