import { createHash } from 'node:crypto';
import { beforeAll, describe } from 'vitest';
import { selfSignedCertificate } from '../../emulators/kube-api-server/tls.ts';
import { ANNOTATIONS } from '../../vendors/wso2/gateway/config.ts';
import { spyOnQueue } from '../support/queue-spy.ts';
import { itKeepsSecretsOut } from '../support/reliability-cases.ts';
import { waitFor } from '../support/wait.ts';
import { apiGateway, GATEWAY, restApi, secret, useWso2World, WSO2, wso2, type Wso2World } from '../support/wso2-e2e.ts';

/** Every secret a WSO2 resource carries: the gateway's password, API keys, subscription tokens, managed secret values, upstream credentials, policy params. */
const SECRETS = {
  gatewayPassword: 'gateway-password-4d1a9c77e2',
  apiKey: 'api-key-value-8b3f0e21c9d64a57b1e0f3c2a9d8e7f6',
  apiKeyRotated: 'api-key-value-rotated-5a4b3c2d1e0f9a8b7c6d5e4f3a2b',
  subscriptionToken: 'subscription-token-6e2d9a0b7c1f',
  managedSecret: 'managed-secret-value-3c8e5f1a',
  upstreamCredential: 'Bearer sk-upstream-7f2a0d9e4b1c',
  policyParam: 'policy-param-secret-2b9e7d1c',
};
const USER = { username: 'gateway-admin', password: SECRETS.gatewayPassword };

let w: Wso2World;
let queued: string[] = [];
useWso2World(
  (world) => {
    w = world;
    queued = spyOnQueue(w.plane.queue.sqs);
  },
  { apiGateway: false, gateway: { users: [{ ...USER, roles: ['admin'] }] } },
);

describe('WSO2 secrets', () => {
  beforeAll(async () => {
    await w.apply(secret('gateway-credentials', USER));
    await w.apply(apiGateway(GATEWAY, w.gateway.url, { annotations: { [ANNOTATIONS.managementCredentials]: 'gateway-credentials' } }));
    // And one whose credentials the gateway refuses: its messages name the Secret, never the password.
    await w.apply(secret('wrong-credentials', { username: USER.username, password: `${SECRETS.gatewayPassword}-wrong` }));
    await w.apply(apiGateway('refused', w.gateway.url, { annotations: { [ANNOTATIONS.managementCredentials]: 'wrong-credentials' }, spec: { apiSelector: { scope: 'LabelSelector', matchLabels: { none: 'x' } } } }));
    await w.apply(
      secret('values', {
        apiKey: SECRETS.apiKey,
        token: SECRETS.subscriptionToken,
        managed: SECRETS.managedSecret,
        upstream: SECRETS.upstreamCredential,
        param: SECRETS.policyParam,
        cert: selfSignedCertificate(['secrets.example']).certPem,
      }),
    );
    const fromValues = (key: string) => ({ valueFrom: { name: 'values', key } });
    await w.apply(restApi('secret-api', { policies: [{ name: 'set-headers', version: 'v1', params: { request: { headers: [{ name: 'X-Secret', value: { valueFrom: { secretKeyRef: { name: 'values', key: 'param' } } } }] } } }] }));
    await w.apply(wso2('ApiKey', 'secret-key', { parentRef: { kind: 'RestApi', name: 'secret-api' }, apiKey: fromValues('apiKey') }));
    await w.apply(wso2('Subscription', 'secret-subscription', { apiId: 'secret-api', subscriptionToken: fromValues('token') }));
    await w.apply(wso2('ManagedSecret', 'secret-managed', { displayName: 'managed', value: fromValues('managed') }));
    await w.apply(wso2('Certificate', 'secret-cert', { displayName: 'secret-cert', certificate: fromValues('cert') }));
    await w.apply(wso2('LlmProvider', 'secret-llm', { displayName: 'llm', version: 'v1.0', template: 'openai', context: '/secret-llm', upstream: { url: 'http://llm:4010', auth: { type: 'api-key', header: 'Authorization', value: fromValues('upstream') } }, accessControl: { mode: 'allow_all' } }));
    await w.apply(wso2('Mcp', 'secret-mcp', { displayName: 'mcp', version: 'v1.0', context: '/secret-mcp', upstream: { url: 'http://mcp:3001', auth: { type: 'api-key', header: 'Authorization', value: fromValues('upstream') } } }));
    for (const [kind, name] of [['RestApi', 'secret-api'], ['ApiKey', 'secret-key'], ['Subscription', 'secret-subscription'], ['ManagedSecret', 'secret-managed'], ['Certificate', 'secret-cert'], ['LlmProvider', 'secret-llm'], ['Mcp', 'secret-mcp']]) {
      await w.waitForCondition(kind, name, 'Programmed', 'True');
    }
    await w.waitForCondition('APIGateway', 'refused', 'Programmed', 'False');
    // A rotation re-sends the key: its old and new values stay out too.
    await w.apply(secret('values', { apiKey: SECRETS.apiKeyRotated }));
    const sha256 = (v: string) => createHash('sha256').update(v).digest('hex');
    await waitFor('the rotated key on the gateway', () => w.gateway.state.list('ApiKey').find((k) => k.name === 'secret-key')?.hash === sha256(SECRETS.apiKeyRotated));
    await waitFor('queue drained', () => w.plane.drained());
  });

  itKeepsSecretsOut({
    world: () => w,
    queued: () => queued,
    secrets: () => Object.values(SECRETS),
    kinds: ['APIGateway', 'RestApi', 'ApiKey', 'Subscription', 'ManagedSecret', 'Certificate', 'LlmProvider', 'Mcp'].map((k) => [WSO2, k] as [string, string]),
  });
});
