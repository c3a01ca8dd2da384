import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { spyOnQueue } from '../support/queue-spy.ts';
import { itKeepsSecretsOut } from '../support/reliability-cases.ts';
import { providerAccount, TENANT, TENANT_TOKEN, THREESCALE } from '../support/threescale-e2e.ts';
import { adminPassword, applyAdminUser, resource, useThreescaleCases } from '../support/threescale-reliability.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

const world = useThreescaleCases(['good']);
const { cases } = world;
let queued: string[];
beforeAll(() => {
  queued = spyOnQueue(world.w.plane.queue.sqs);
});
const READ_ONLY_TOKEN = 'read-only-token-8d2c';


/**
 * One malformed resource per 3scale kind, each passing the CRD schema (a real API server admits it) but not
 * apim-sync's, with the field its condition must name.
 */
const MALFORMED: [kind: string, spec: Record<string, unknown>, field: string][] = [
  ['Backend', { name: '', privateBaseURL: 'https://api.example.com' }, 'spec.name'],
  ['Product', { name: '' }, 'spec.name'],
  ['DeveloperAccount', { orgName: '' }, 'spec.orgName'],
  ['DeveloperUser', { username: 'bad-user', email: 'not-an-email', passwordCredentialsRef: { name: 'good-admin' }, developerAccountRef: { name: 'good' } }, 'spec.email'],
  ['Application', { accountCR: { name: 'good' }, productCR: { name: 'good' }, applicationPlanName: '', name: 'App', description: 'd' }, 'spec.applicationPlanName'],
  ['ApplicationAuth', { applicationCRName: '', authSecretRef: { name: 'auth' } }, 'spec.applicationCRName'],
  ['ActiveDoc', { name: '', activeDocOpenAPIRef: { url: 'https://example.com/openapi.yaml' } }, 'spec.name'],
  ['CustomPolicyDefinition', { name: 'bad', version: '', schema: { name: 'bad', version: '1', summary: 's', $schema: 'http://apicast.io/policy-v1/schema#manifest#', configuration: {} } }, 'spec.version'],
];

describe('3scale malformed resources', () => {
  it('each get a False condition naming the field, while good neighbours sync and no message is lost', async () => {
    const w = world.w;
    await Promise.all([...MALFORMED.map(([kind, spec]) => w.apply(resource(kind, 'malformed', spec))), ...cases.map((c) => w.apply(c.make('good')))]);
    for (const [kind, , field] of MALFORMED) {
      const obj = await w.waitForCondition(kind, 'malformed', 'Ready', 'False', { reason: 'InvalidSpec' });
      expect(conditionOf(obj, 'Ready')?.message, kind).toContain(field);
      // Kinds whose operator writes `Invalid` (Application and ApplicationAuth do not) say it there too.
      if (conditionOf(obj, 'Invalid')) expect(conditionOf(obj, 'Invalid'), kind).toMatchObject({ status: 'True', message: expect.stringContaining(field) });
    }
    for (const c of cases) {
      await w.waitForCondition(c.kind, 'good', c.condition, 'True');
      expect(c.copies('good')).toBe(1);
    }
    await waitFor('queue drained', () => w.plane.drained());
    const dead = await w.plane.queue.sqs.send(new ReceiveMessageCommand({ QueueUrl: w.plane.queue.dlqUrl, WaitTimeSeconds: 1 }));
    expect(dead.Messages ?? []).toEqual([]);
  });
});

describe('3scale refusals', () => {
  it('a read-only token (403) is Failed, saying the token is wrong or lacks a scope, and creates nothing', async () => {
    const w = world.w;
    w.threescale.state.addAccessToken(TENANT, READ_ONLY_TOKEN, ['account_management'], 'ro');
    await w.apply(providerAccount('read-only', w.adminURL, READ_ONLY_TOKEN));
    // Links hold within one tenant: the account's admin user uses the same provider account.
    await applyAdminUser(w, 'read-only', { providerAccountRef: { name: 'read-only' } });
    for (const c of cases) {
      const obj = c.make('read-only');
      await w.apply({ ...obj, spec: { ...(obj.spec as object), providerAccountRef: { name: 'read-only' } } });
    }
    for (const c of cases) {
      const obj = await w.waitForCondition(c.kind, 'read-only', 'Failed', 'True');
      expect(conditionOf(obj, c.condition)).toMatchObject({ status: 'False', message: expect.stringMatching(/403.*token is wrong or lacks the account_management scope or write permission/) });
      expect(conditionOf(obj, 'Invalid')?.status).toBe('False');
      expect(c.copies('read-only')).toBe(0);
    }
  });

  it('a signup 3scale refuses (422: the admin email is taken) is Invalid naming the field', async () => {
    const w = world.w;
    // The admin user of `taken` has the email of `good`'s admin: 3scale refuses the signup.
    await applyAdminUser(w, 'taken', { email: 'good-admin@example.com' });
    await w.apply(resource('DeveloperAccount', 'taken', { orgName: 'Org taken' }));
    const obj = await w.waitForCondition('DeveloperAccount', 'taken', 'Invalid', 'True');
    expect(conditionOf(obj, 'Invalid')?.message).toMatch(/email has already been taken/);
    expect(conditionOf(obj, 'Ready')?.status).toBe('False');
    expect(w.threescale.state.list(TENANT, 'accounts', (a) => a.org_name === 'Org taken')).toEqual([]);
  });
});

describe('3scale secrets', () => {
  itKeepsSecretsOut({
    world: () => world.w,
    queued: () => queued,
    secrets: () => [TENANT_TOKEN, READ_ONLY_TOKEN, ...['good', 'read-only', 'taken'].map(adminPassword)],
    kinds: [...MALFORMED.map(([kind]) => [THREESCALE, kind] as [string, string])],
  });
});
