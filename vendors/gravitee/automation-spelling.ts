/**
 * Where GKO's CRDs let users spell a value differently from the Automation API's enum (found by walking each CRD
 * schema beside the spec's request schema; `test/unit/gravitee-automation-spelling.test.ts` fails when a pair is
 * missing here). GKO sends the CRD's spelling as it is; the published spec takes only its own, so apim-sync sends that.
 *
 * Paths are in the Automation body (plans and pages are lists there): `.` descends, `[]` takes every element.
 * The value is the spec's enum: a body value equal to one of them ignoring case (and `-` for `_`) becomes it;
 * anything else is left for APIM to refuse, naming the field.
 */
const SPELLINGS: Record<string, Record<string, readonly string[]>> = {
  ApiV4Definition: {
    // The CRD takes any string here; GKO's examples write `default`.
    'flowExecution.mode': ['BEST_MATCH', 'DEFAULT'],
    'plans[].security.type': ['KEY_LESS', 'OAUTH2', 'JWT', 'MTLS', 'API_KEY'],
    'consoleNotification.events[]': [
      'APIKEY_EXPIRED', 'APIKEY_RENEWED', 'APIKEY_REVOKED', 'SUBSCRIPTION_NEW', 'SUBSCRIPTION_ACCEPTED', 'SUBSCRIPTION_CLOSED',
      'SUBSCRIPTION_PAUSED', 'SUBSCRIPTION_RESUMED', 'SUBSCRIPTION_REJECTED', 'SUBSCRIPTION_TRANSFERRED', 'SUBSCRIPTION_FAILED',
      'NEW_SUPPORT_TICKET', 'API_STARTED', 'API_STOPPED', 'API_UPDATED', 'API_DEPLOYED', 'NEW_RATING', 'NEW_RATING_ANSWER',
      'MESSAGE', 'ASK_FOR_REVIEW', 'REVIEW_OK', 'REQUEST_FOR_CHANGES', 'API_DEPRECATED', 'NEW_SPEC_GENERATED',
    ],
  },
  // The CRD's enum is BACKEND_TO_BACKEND, NATIVE, BROWSER, WEB.
  Application: { 'settings.oauth.applicationType': ['browser', 'web', 'native', 'backend_to_backend'] },
  // The Management v1 import takes the CRD's spellings as GKO sends them (it has no published spec to differ from).
  ApiDefinition: {},
};

const canonical = (s: string): string => s.toLowerCase().replaceAll('-', '_');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body with every value the table knows spelled as the Automation API spells it (a converted copy). */
export function toAutomationSpelling(kind: string, body: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(body);
  for (const [path, values] of Object.entries(SPELLINGS[kind] ?? {})) {
    const byCanonical = new Map(values.map((v) => [canonical(v), v]));
    respell(out, path.split('.'), (v) => (typeof v === 'string' ? (byCanonical.get(canonical(v)) ?? v) : v));
  }
  return out;
}

/** Replaces the value at `segments` (`name` or `name[]`) in place, wherever the body has it. */
function respell(node: unknown, segments: string[], convert: (v: unknown) => unknown): void {
  if (!isObject(node) || segments.length === 0) return;
  const [head, ...rest] = segments;
  const each = head.endsWith('[]');
  const key = each ? head.slice(0, -2) : head;
  if (!(key in node)) return;
  const at = (v: unknown): unknown => {
    if (rest.length === 0) return convert(v);
    respell(v, rest, convert);
    return v;
  };
  if (!each) node[key] = at(node[key]);
  else if (Array.isArray(node[key])) node[key] = (node[key] as unknown[]).map(at);
}

/** The table, for the test that checks it against the CRDs and the spec. */
export const automationSpellings: Readonly<typeof SPELLINGS> = SPELLINGS;
