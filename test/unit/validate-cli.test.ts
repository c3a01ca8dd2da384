import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../cli/validate.ts';

describe('apim-sync validate', () => {
  it('accepts every example, the seed YAML among them', () => {
    const { checked, findings } = validatePaths([new URL('../../examples', import.meta.url).pathname]);
    expect(findings).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(5);
  });

  it('names each invalid field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      `apiVersion: gravitee.io/v1alpha1
kind: ManagementContext
metadata: {name: c}
spec: {baseUrl: "ftp://x", environmentId: dev}
---
apiVersion: gravitee.io/v1alpha1
kind: ApiV4Definition
metadata: {name: a}
spec: {name: a, version: "1", type: WRONG, listeners: [], endpointGroups: [{name: g, type: http-proxy}]}
`,
    );
    const { findings } = validatePaths([dir]);
    const problems = findings.flatMap((f) => f.problems).join('\n');
    expect(problems).toContain('spec.baseUrl');
    expect(problems).toContain('spec.organizationId');
    expect(problems).toContain('spec.type');
    expect(problems).toContain('spec.listeners');
  });

  it('says in one line why a kind the operators handle is not synced (a gateway they run themselves), and counts it apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    writeFileSync(
      join(dir, 'gateway.yaml'),
      `apiVersion: gravitee.io/v1alpha1
kind: KafkaRoute
metadata: {name: k}
---
apiVersion: gravitee.io/v1alpha1
kind: GatewayClassParameters
metadata: {name: p}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: plain}
`,
    );
    const { checked, findings, notSynced } = validatePaths([dir]);
    expect(checked).toBe(0);
    expect(findings).toEqual([]);
    expect(notSynced.map((f) => f.resource)).toEqual(['KafkaRoute k', 'GatewayClassParameters p', 'HTTPRoute r', 'Ingress i']);
    for (const f of notSynced) expect(f.problems).toEqual([expect.stringMatching(/^not synced by apim-sync: .*gateway/i)]);
  });

  it("checks the WSO2 operator's own examples at v1alpha1 and v1, which it serves alike", () => {
    const fixtures = new URL('../e2e/fixtures/wso2-operator/', import.meta.url).pathname;
    const { checked, findings } = validatePaths([join(fixtures, 'apigateway-restapi-operator-demo'), join(fixtures, 'samples')]);
    expect(findings).toEqual([]);
    // The demo's APIGateway, RestApis and management resources are v1alpha1; the samples are v1.
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('names the invalid field of a WSO2 resource, whichever version it is written at', () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      `apiVersion: gateway.api-platform.wso2.com/v1alpha1
kind: RestApi
metadata: {name: r}
spec: {displayName: r, version: v1.0, context: /r, upstream: {main: {url: http://x}}}
`,
    );
    const problems = validatePaths([dir]).findings.flatMap((f) => f.problems).join('\n');
    expect(problems).toContain('spec.operations');
  });
});
