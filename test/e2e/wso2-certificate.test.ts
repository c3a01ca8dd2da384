import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../emulators/kube-api-server/tls.ts';
import { conditionOf } from '../support/world-objects.ts';
import { waitFor } from '../support/wait.ts';
import { operatorExample, secret, useWso2World, wso2, type Wso2World } from '../support/wso2-e2e.ts';
import { itRunsTheLifecycle } from '../support/wso2-lifecycle.ts';

let w: Wso2World;
useWso2World((world) => {
  w = world;
});

const PEM_A = selfSignedCertificate(['a.example']).certPem;
const PEM_B = selfSignedCertificate(['b.example']).certPem;
const certs = (name: string) => w.gateway.state.list('Certificate').filter((c) => c.name === name);
const certificate = (name: string, pem = PEM_A, spec: Record<string, unknown> = {}, metadata = {}) => wso2('Certificate', name, { displayName: `${name}-ca`, certificate: { value: pem }, ...spec }, metadata);

describe('WSO2 Certificate', () => {
  itRunsTheLifecycle({
    world: () => w,
    kind: 'Certificate',
    make: (name, metadata) => certificate(name, PEM_A, {}, metadata),
    copies: (name) => certs(`${name}-ca`).length,
    change: (name) => certificate(name, PEM_B),
    changed: (name) => certs(`${name}-ca`)[0]?.pem.trim() === PEM_B.trim(),
    // Deleted behind the API: uploaded again.
    drift: (name) => void w.gateway.state.remove('Certificate', certs(`${name}-ca`)[0].id),
    drifted: (name) => certs(`${name}-ca`).length === 0,
  });

  it("uploads the operator's example from its Secret, keeps the gateway id, and replaces it when the Secret changes", async () => {
    for (const o of operatorExample('apigateway-restapi-operator-demo/05a-management-prerequisites.yaml').filter((o) => o.kind === 'Secret')) await w.apply(o);
    for (const o of operatorExample('apigateway-restapi-operator-demo/05e-certificate-resources.yaml')) await w.apply(o);
    const obj = await w.waitForCondition('Certificate', 'demo-certificate', 'Programmed', 'True');
    const [first] = certs('demo-certificate');
    expect(first.subject).toContain('demo-certificate');
    expect(obj.status?.id).toBe(first.id);

    await w.apply(secret('demo-management-secrets', { 'cert.pem': PEM_B }));
    await waitFor('the new certificate on the gateway', () => certs('demo-certificate')[0]?.pem.trim() === PEM_B.trim());
    const replaced = await w.waitForCondition('Certificate', 'demo-certificate', 'Programmed', 'True');
    expect(certs('demo-certificate')).toHaveLength(1);
    await waitFor('the new id in status', async () => (await w.get('Certificate', 'demo-certificate'))?.status?.id === certs('demo-certificate')[0].id);
    expect(replaced.status?.id).not.toBe(first.id);
  });

  it('says the gateway refused a certificate that is not PEM', async () => {
    await w.apply(certificate('garbage', 'not a certificate'));
    const refused = await w.waitForCondition('Certificate', 'garbage', 'Programmed', 'False', { reason: 'Invalid' });
    expect(conditionOf(refused, 'Programmed')?.message).toContain('certificate');
  });
});
