/**
 * A Gravitee call's endpoint with HRIDs and ids replaced (`PUT /automation/organizations/{org}/environments/{env}/apis/{hrid}/subscriptions`),
 * so calls of many objects add up per endpoint.
 */
const NAMED_BY_ID = new Set(['apis', 'applications', 'groups', 'dictionaries', 'subscriptions', 'shared-policy-groups', 'portals', 'listings', 'links', 'documentations']);

export function graviteeEndpoint(method: string, path: string): string {
  const parts = path.split('?')[0]!.split('/');
  const out = parts.map((p, i) => {
    const before = parts[i - 1];
    if (before === 'organizations') return '{org}';
    if (before === 'environments') return '{env}';
    if (before && NAMED_BY_ID.has(before) && p && !p.startsWith('_') && p !== 'import-crd') return '{hrid}';
    return p;
  });
  return `${method} ${out.join('/')}`;
}

/** The Gravitee kind an Automation (or v1 import) endpoint serves, for calls per sync by kind. */
export function graviteeKindOf(endpoint: string): string {
  const path = endpoint.slice(endpoint.indexOf(' ') + 1);
  const rules: [RegExp, string][] = [
    [/\/subscriptions(\/\{hrid\})?$/, 'Subscription'],
    [/\/documentations(\/\{hrid\})?$/, 'Documentation'],
    [/\/listings(\/\{hrid\})?$/, 'PortalListing'],
    [/\/links(\/\{hrid\})?$/, 'PortalLink'],
    [/\/portals(\/\{hrid\})?$/, 'Portal'],
    [/\/shared-policy-groups(\/\{hrid\})?$/, 'SharedPolicyGroup'],
    [/\/dictionaries(\/\{hrid\})?$/, 'Dictionary'],
    [/\/groups(\/\{hrid\})?$/, 'Group'],
    [/\/applications(\/\{hrid\})?$/, 'Application'],
    [/\/automation\/.*\/apis(\/\{hrid\})?$/, 'ApiV4Definition'],
  ];
  return rules.find(([re]) => re.test(path))?.[1] ?? 'other';
}
