/**
 * Corrections applied to the published management API spec when it is loaded, only where the spec
 * contradicts itself (listed, with the evidence, in `emulators/wso2/README.md`). Where the gateway is
 * merely more lenient than its spec, the spec stands. Each one is a no-op once fixed upstream.
 */
import { objectAt } from '../../openapi/index.ts';

type Json = Record<string, unknown>;

/**
 * The spec's RestApi context pattern refuses the `$version` its own description and example use, and the
 * dots of the gateway's example `/ecommerce/v1.0`; the RestApi CRD's pattern (taken here) allows both.
 */
const CRD_CONTEXT = "^/([a-zA-Z0-9\\-._~!$&'()*+,;=:@%/]*[^/])?$";

interface Erratum {
  schema: string;
  property: string;
  apply(property: Json): void;
}

const ERRATA: Erratum[] = [{ schema: 'APIConfigData', property: 'context', apply: (p) => (p.pattern = CRD_CONTEXT) }];

export function applyErrata(doc: Json): void {
  for (const e of ERRATA) {
    const property = objectAt(doc, 'components', 'schemas', e.schema, 'properties', e.property);
    if (property) e.apply(property);
  }
}
