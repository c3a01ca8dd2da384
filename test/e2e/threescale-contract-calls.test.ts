/**
 * The writes that left 3scale's published contract (issue 8), end to end: the proxy and a product's mapping rules
 * updated with PATCH (the spec lists no PUT), the policy chain, OIDC flows, ActiveDocs and registry policies sent as
 * forms (the spec declares no JSON body), an ActiveDoc unbound with an empty `service_id`, and a DeveloperAccount's
 * billing flags set by the account update (the spec's signup takes none). The world fails the file on any violation.
 */
import { describe, expect, it } from 'vitest';
import { useThreescaleWorld, TENANT, THREESCALE, type ThreescaleWorld } from '../support/threescale-e2e.ts';
import { waitFor } from '../support/wait.ts';

let w: ThreescaleWorld;
useThreescaleWorld((world) => {
  w = world;
});

type Row = Record<string, any>;
const product = (spec: Record<string, unknown>) => ({ apiVersion: THREESCALE, kind: 'Product', metadata: { name: 'calls' }, spec: { name: 'Calls', systemName: 'calls', ...spec } });
const remote = () => w.threescale.state.productBySystemName(TENANT, 'calls') as Row;
const writesSince = (from: number) => w.threescale.calls.slice(from).filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path.replace(/\/\d+(?=[/.])/g, '/{id}')}`);

function deployment(endpoint: string, flows: Record<string, boolean>) {
  return {
    apicastSelfManaged: {
      productionPublicBaseURL: endpoint,
      stagingPublicBaseURL: 'https://staging.calls.example.com',
      authentication: { oidc: { issuerType: 'keycloak', issuerEndpoint: 'https://sso.example.com/auth/realms/r', authenticationFlow: flows } },
    },
  };
}
const policies = (origin: string) => [{ name: 'cors', version: 'builtin', enabled: true, configuration: { allow_origin: origin } }];
const rules = (delta: number) => [{ httpMethod: 'GET', pattern: '/pets$', metricMethodRef: 'hits', increment: delta }];

describe('3scale writes inside the published contract', () => {
  it('updates the proxy, OIDC flows and a product mapping rule with PATCH, the chain as a JSON text form field', async () => {
    const flows = { standardFlowEnabled: true, implicitFlowEnabled: false, serviceAccountsEnabled: false, directAccessGrantsEnabled: false };
    await w.apply(product({ deployment: deployment('https://calls.example.com', flows), policies: policies('*'), mappingRules: rules(1) }));
    await w.waitForCondition('Product', 'calls', 'Synced', 'True');
    const id = remote().id as number;
    expect(w.threescale.state.oidc(TENANT, id)).toMatchObject({ standard_flow_enabled: true, implicit_flow_enabled: false });
    expect(w.threescale.state.policies(TENANT, id)).toEqual([...policies('*'), { name: 'apicast', version: 'builtin', enabled: true, configuration: {} }]);

    const from = w.threescale.calls.length;
    await w.apply(product({ deployment: deployment('https://v2.calls.example.com', { ...flows, implicitFlowEnabled: true }), policies: policies('https://a.example.com'), mappingRules: rules(3) }));
    await waitFor('converged', () => w.threescale.state.mappingRulesOf(TENANT, { product: id })[0]?.delta === 3 && w.threescale.state.oidc(TENANT, id)?.implicit_flow_enabled === true);
    await w.waitForCondition('Product', 'calls', 'Synced', 'True');
    expect(w.threescale.state.proxy(TENANT, id)).toMatchObject({ endpoint: 'https://v2.calls.example.com:443' });
    expect(w.threescale.state.policies(TENANT, id)?.[0]).toMatchObject({ configuration: { allow_origin: 'https://a.example.com' } });
    expect(writesSince(from)).toEqual(
      expect.arrayContaining([
        'PATCH /admin/api/services/{id}/proxy.json',
        'PATCH /admin/api/services/{id}/proxy/oidc_configuration.json',
        'PATCH /admin/api/services/{id}/proxy/mapping_rules/{id}.json',
        'PUT /admin/api/services/{id}/proxy/policies.json',
      ]),
    );
    expect(writesSince(0).filter((c) => c.startsWith('PUT') && /proxy(\.json|\/mapping_rules\/)/.test(c))).toEqual([]);
  });

  it('creates and updates an ActiveDoc as a form, and unbinds it from its product with an empty service_id', async () => {
    const oas = (title: string) => `openapi: "3.0.2"\ninfo:\n  title: "${title}"\n  version: "1"\npaths: {}\n`;
    const doc = (spec: Record<string, unknown>) => ({ apiVersion: THREESCALE, kind: 'ActiveDoc', metadata: { name: 'calls-doc' }, spec: { name: 'Calls doc', systemName: 'callsdoc', activeDocOpenAPIRef: { secretRef: { name: 'calls-oas' } }, ...spec } });
    const remoteDoc = () => w.threescale.state.list(TENANT, 'activeDocs').find((d) => d.system_name === 'callsdoc') as Row | undefined;
    await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'calls-oas' }, stringData: { 'doc.yaml': oas('first') } });
    await w.apply(doc({ productSystemName: 'calls', published: true }));
    await w.waitForCondition('ActiveDoc', 'calls-doc', 'Ready', 'True');
    expect(remoteDoc()).toMatchObject({ service_id: remote().id, published: true, skip_swagger_validations: false });
    expect(JSON.parse(String(remoteDoc()!.body)).info.title).toBe('first');

    await w.apply(doc({ productSystemName: null, published: false })); // null: the merge patch drops the field
    await waitFor('unbound', () => remoteDoc()?.service_id === null && remoteDoc()?.published === false);
    expect(w.threescale.state.list(TENANT, 'activeDocs').filter((d) => d.system_name === 'callsdoc')).toHaveLength(1);
  });

  it('creates and updates a registry policy with its schema as a JSON text form field', async () => {
    const schema = (summary: string) => ({ name: 'calls', version: '1.0', $schema: 'http://apicast.io/policy-v1/schema#manifest#', summary, configuration: { type: 'object', properties: {} } });
    const definition = (summary: string) => ({ apiVersion: THREESCALE, kind: 'CustomPolicyDefinition', metadata: { name: 'calls-policy' }, spec: { name: 'calls', version: '1.0', schema: schema(summary) } });
    const registered = () => w.threescale.state.list(TENANT, 'registryPolicies').filter((p) => p.name === 'calls') as Row[];
    await w.apply(definition('first'));
    await w.waitForCondition('CustomPolicyDefinition', 'calls-policy', 'Ready', 'True');
    expect(registered()).toEqual([expect.objectContaining({ version: '1.0', schema: schema('first') })]);
    await w.apply(definition('second'));
    await waitFor('schema updated', () => registered()[0]?.schema?.summary === 'second');
    expect(registered()).toHaveLength(1);
  });

  it("signs a DeveloperAccount up with the spec's fields, then sets its billing flags by the account update", async () => {
    const from = w.threescale.calls.length;
    await w.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'calls-admin' }, stringData: { password: 'pw-calls-admin-7Hq' } });
    await w.apply({ apiVersion: THREESCALE, kind: 'DeveloperAccount', metadata: { name: 'calls-account' }, spec: { orgName: 'Calls Org', monthlyBillingEnabled: false } });
    await w.apply({
      apiVersion: THREESCALE,
      kind: 'DeveloperUser',
      metadata: { name: 'calls-admin' },
      spec: { username: 'calls-admin', email: 'calls-admin@example.com', role: 'admin', passwordCredentialsRef: { name: 'calls-admin' }, developerAccountRef: { name: 'calls-account' } },
    });
    await w.waitForCondition('DeveloperAccount', 'calls-account', 'Ready', 'True');
    const [account] = w.threescale.state.list(TENANT, 'accounts', (a) => a.org_name === 'Calls Org');
    expect(account).toMatchObject({ monthly_billing_enabled: false, monthly_charging_enabled: true, annotations: { managed_by: 'apim-sync' } });
    const writes = writesSince(from);
    expect(writes.indexOf('PUT /admin/api/accounts/{id}.json')).toBeGreaterThan(writes.indexOf('POST /admin/api/signup.json'));
  });
});
