import { beforeAll, describe, expect, it } from 'vitest';
import { crashBeforeFirstStatusWrite } from '../support/crash.ts';
import { spyOnQueue } from '../support/queue-spy.ts';
import { itKeepsSecretsOut } from '../support/reliability-cases.ts';
import { sendPointer } from '../support/send-message.ts';
import { conditionOf } from '../support/world-objects.ts';
import {
  CLIENT_ID_KEY,
  CLIENT_SECRET_KEY,
  controlPlaneStatus,
  DEPLOYER,
  OAUTH_SECRET,
  PASSWORD_KEY,
  useBottomUpWorld,
  USERNAME_KEY,
  type BottomUpWorld,
} from '../support/bottom-up-world.ts';
import { drained, restApi, secret, WSO2 } from '../support/wso2-e2e.ts';

const IMPORT = /\/api\/am\/publisher\/v4\/apis\/import$/;
const SEARCH = /\/api\/am\/publisher\/v4\/apis$/;

let w: BottomUpWorld;
let queued: string[];
useBottomUpWorld((world) => {
  w = world;
  queued = spyOnQueue(w.plane.queue.sqs);
});
const imports = (from = 0) => w.apim.calls.slice(from).filter((c) => c.method === 'POST' && IMPORT.test(c.path));
const copies = (name: string) => w.apim.apis().filter((a) => a.name === name).length;

describe('WSO2 bottom-up sync when things break', () => {
  it('a crash between the import and the status write leaves one API: the redelivery finds it by name, version and marker, and imports nothing more', async () => {
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crashing');
    try {
      const from = w.apim.calls.length;
      await w.apply(restApi('crashing'));
      const ready = await w.waitForCondition('RestApi', 'crashing', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(copies('crashing')).toBe(1);
      expect(imports(from)).toHaveLength(1);
      const api = w.apimApi('crashing')!;
      expect(controlPlaneStatus(ready)).toMatchObject({ apiId: api.id, revisionId: api.revisions[0].id, lastImportedGeneration: 1 });
    } finally {
      crash.restore();
    }
  });

  it('a crash between an update\'s import and its status write: the redelivery recognises the revision it deployed and imports nothing more', async () => {
    await w.apply(restApi('crash-update'));
    await w.waitForCondition('RestApi', 'crash-update', 'Ready', 'True');
    const crash = await crashBeforeFirstStatusWrite(w.plane, 'crash-update');
    try {
      const from = w.apim.calls.length;
      await w.apply(restApi('crash-update', { operations: [{ method: 'GET', path: '/info' }, { method: 'GET', path: '/more' }] }));
      const ready = await w.waitForCondition('RestApi', 'crash-update', 'Ready', 'True');
      expect(crash.attempts()).toBeGreaterThan(1);
      expect(imports(from)).toHaveLength(1);
      const api = w.apimApi('crash-update')!;
      expect(api.revisions).toHaveLength(2);
      expect(controlPlaneStatus(ready)).toMatchObject({ apiId: api.id, revisionId: api.revisions[1].id, lastImportedGeneration: 2 });
    } finally {
      crash.restore();
    }
  });

  it('APIM answering 503 is retried ("APIM unavailable"), the gateway side standing meanwhile; one API in the end', async () => {
    w.apim.faults.inject({ method: 'POST', path: IMPORT, status: 503 });
    await w.apply(restApi('unavailable'));
    const waiting = await w.waitForCondition('RestApi', 'unavailable', 'Ready', 'False', { reason: 'ApimUnavailable' });
    expect(conditionOf(waiting, 'Programmed')?.status).toBe('True');
    expect(conditionOf(waiting, 'Ready')?.message).toContain('APIM unavailable (503)');
    w.apim.faults.clear();
    await w.waitForCondition('RestApi', 'unavailable', 'Ready', 'True');
    expect(copies('unavailable')).toBe(1);
  });

  it('APIM failing the lookup does not hold back the gateway: the RestApi is Programmed, Ready says why, and it converges', async () => {
    w.apim.faults.inject({ method: 'GET', path: SEARCH, status: 502 });
    await w.apply(restApi('lookup-fails'));
    const waiting = await w.waitForCondition('RestApi', 'lookup-fails', 'Ready', 'False', { reason: 'ControlPlaneError' });
    expect(conditionOf(waiting, 'Programmed')?.status).toBe('True');
    expect(w.gateway.state.get('RestApi', 'lookup-fails')).toBeDefined();
    w.apim.faults.clear();
    await w.waitForCondition('RestApi', 'lookup-fails', 'Ready', 'True');
    expect(copies('lookup-fails')).toBe(1);
  });

  it('a revoked token is dropped and a fresh one minted, once', async () => {
    await w.apply(restApi('revoked'));
    await w.waitForCondition('RestApi', 'revoked', 'Ready', 'True');
    expect(w.apim.revokeToken()).toBeGreaterThan(0);
    const from = w.apim.calls.length;
    await w.apply(restApi('revoked', { operations: [{ method: 'GET', path: '/info' }, { method: 'POST', path: '/info' }] }));
    await w.waitForCondition('RestApi', 'revoked', 'Ready', 'True');
    const calls = w.apim.calls.slice(from);
    expect(calls.filter((c) => c.status === 401)).toHaveLength(1);
    expect(calls.filter((c) => c.path === '/oauth2/token').map((c) => c.status)).toEqual([200]);
    expect(w.apimApi('revoked')!.revisions).toHaveLength(2);
  });

  it('APIM refusing the import (400) is a permanent Invalid naming what APIM refused; the gateway still runs the API', async () => {
    w.apim.faults.inject({ method: 'POST', path: IMPORT, status: 400, times: 1, body: { code: 400, message: 'Bad Request', description: 'Error while importing API: endpoint URL is not valid', moreInfo: '', error: [] } });
    await w.apply(restApi('refused'));
    const refused = await w.waitForCondition('RestApi', 'refused', 'Ready', 'False', { reason: 'Invalid' });
    expect(conditionOf(refused, 'Ready')?.message).toContain('endpoint URL is not valid');
    expect(conditionOf(refused, 'Programmed')?.status).toBe('True');
    expect(copies('refused')).toBe(0);
  });

  it('wrong OAuth2 client credentials are a permanent Unauthorized saying so; fixed in the Secret, the next sync imports', async () => {
    const good = { [CLIENT_ID_KEY]: w.client.clientId, [CLIENT_SECRET_KEY]: w.client.clientSecret };
    await w.apply(secret(OAUTH_SECRET, { ...good, [CLIENT_SECRET_KEY]: 'not-the-secret-4b2e' }));
    try {
      await w.apply(restApi('wrong-client'));
      const refused = await w.waitForCondition('RestApi', 'wrong-client', 'Ready', 'False', { reason: 'Unauthorized' });
      expect(conditionOf(refused, 'Ready')?.message).toContain('client id or secret');
      expect(conditionOf(refused, 'Programmed')?.status).toBe('True');
    } finally {
      await w.apply(secret(OAUTH_SECRET, good));
    }
    await sendPointer(w.plane, (await w.get('RestApi', 'wrong-client'))!, { reason: 'resync', cause: 'secret-fixed' });
    await w.waitForCondition('RestApi', 'wrong-client', 'Ready', 'True');
    expect(copies('wrong-client')).toBe(1);
  });

  it('a redelivered or duplicated message imports nothing more', async () => {
    await w.apply(restApi('duplicated'));
    const obj = await w.waitForCondition('RestApi', 'duplicated', 'Ready', 'True');
    await drained(w);
    const from = w.apim.calls.length;
    await Promise.all([1, 2, 3].map((i) => sendPointer(w.plane, obj, { reason: 'spec-changed', resourceVersion: `${obj.metadata.resourceVersion}-${i}` })));
    await drained(w);
    expect(w.apimWrites(from)).toEqual([]);
    expect(copies('duplicated')).toBe(1);
  });

  it('APIM down while the RestApi is deleted: the deletion is retried until APIM answers, then undeploys and deletes once', async () => {
    await w.apply(restApi('leaving'));
    await w.waitForCondition('RestApi', 'leaving', 'Ready', 'True');
    const { id } = w.apimApi('leaving')!;
    w.apim.faults.inject({ method: 'POST', path: /\/undeploy-revision$/, status: 503 });
    await w.remove('RestApi', 'leaving');
    const stuck = await w.waitForCondition('RestApi', 'leaving', 'Ready', 'False', { reason: 'ApimUnavailable', generation: false });
    expect(conditionOf(stuck, 'Ready')?.message).toContain('apim-sync.io/deletion-policy=orphan');
    w.apim.faults.clear();
    await w.waitForGone('RestApi', 'leaving');
    expect(w.apim.api(id)).toBeUndefined();
    expect(w.apim.calls.filter((c) => c.method === 'DELETE' && c.path.endsWith(`/apis/${id}`))).toHaveLength(1);
  });
});

describe('WSO2 bottom-up secrets', () => {
  beforeAll(async () => {
    // The ROPC flow too, so the user's password is in play.
    await w.apply(secret(OAUTH_SECRET, { [CLIENT_ID_KEY]: w.client.clientId, [CLIENT_SECRET_KEY]: w.client.clientSecret, [USERNAME_KEY]: DEPLOYER.username, [PASSWORD_KEY]: DEPLOYER.password }));
    await w.apply(restApi('secretive'));
    await w.waitForCondition('RestApi', 'secretive', 'Ready', 'True');
    expect(w.issuedTokens.length).toBeGreaterThan(1);
  });

  itKeepsSecretsOut({
    world: () => w,
    queued: () => queued,
    secrets: () => [w.client.clientSecret, DEPLOYER.password, w.registrationToken, ...w.issuedTokens],
    kinds: [[WSO2, 'RestApi'], [WSO2, 'APIGateway']],
  });
});
