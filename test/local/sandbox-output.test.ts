import { FullBatchFailureError, SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LambdaRunner, type RunnerStage } from '../../local/lambda-runner.ts';
import { progressRow } from '../../local/progress-view.ts';
import { stopOnSignal } from '../../local/start.ts';
import type { KubeObject, ObjectRef } from '../../shared/kube/object-ref.ts';
import { GRAVITEE, TOKEN, apiV4, managementContext, secret, startGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';
import { waitFor } from '../support/wait.ts';
import { conditionOf } from '../support/world-objects.ts';

const ref = (kind: string, apiVersion = GRAVITEE): ObjectRef => ({ apiVersion, kind, namespace: 'ns', name: 'x' });
const withConditions = (conditions: Array<{ type: string; status: string; reason?: string; message?: string }>, generation = 1) =>
  ({ apiVersion: GRAVITEE, kind: 'K', metadata: { name: 'x', namespace: 'ns', generation }, status: { conditions: conditions.map((c) => ({ reason: '', message: '', observedGeneration: generation, ...c })) } }) as KubeObject;

describe('the progress view', () => {
  it("shows each kind's own sync condition: Synced, Ready alone, Programmed before Accepted, Accepted", () => {
    expect(progressRow(ref('Backend'), withConditions([{ type: 'Ready', status: 'True' }, { type: 'Synced', status: 'True' }, { type: 'Orphan', status: 'False' }])).condition).toBe('Synced=True');
    expect(progressRow(ref('DeveloperUser'), withConditions([{ type: 'Ready', status: 'False' }, { type: 'Orphan', status: 'True' }])).condition).toBe('Ready=False');
    expect(progressRow(ref('RestApi'), withConditions([{ type: 'Accepted', status: 'True' }, { type: 'Programmed', status: 'False' }, { type: 'Ready', status: 'False' }])).condition).toBe('Programmed=False');
    expect(progressRow(ref('ApiV4Definition'), withConditions([{ type: 'Accepted', status: 'True' }, { type: 'Ready', status: 'True' }])).condition).toBe('Accepted=True');
    expect(progressRow(ref('ApiV4Definition'), undefined)).toMatchObject({ ready: '…', condition: '…', reason: 'Pending', settled: false });
  });

  it("says Waiting for an object whose sync waits for a reference, its conditions keeping the operator's reasons", () => {
    const waiting = withConditions([
      { type: 'Accepted', status: 'False', reason: 'ReconcileFailed', message: 'spec.contextRef: ManagementContext ns/ctx not found' },
      { type: 'Ready', status: 'False', reason: 'ReconcileFailed', message: 'spec.contextRef: ManagementContext ns/ctx not found' },
    ]);
    expect(progressRow(ref('ApiV4Definition'), waiting, true)).toMatchObject({ condition: 'Accepted=False', reason: 'Waiting', message: 'spec.contextRef: ManagementContext ns/ctx not found', settled: false });
    expect(progressRow(ref('ApiV4Definition'), waiting, false).reason).toBe('ReconcileFailed');
    // Settled: what the plane last knew of a wait no longer matters.
    expect(progressRow(ref('ApiV4Definition'), withConditions([{ type: 'Ready', status: 'True', reason: 'Synced' }]), true).reason).toBe('Synced');
  });
});

describe('a dependency applied after its user, through the sync plane', () => {
  let w: GraviteeWorld;
  beforeAll(async () => {
    w = await startGraviteeWorld();
  });
  afterAll(async () => w?.close());

  it('is waited for: logged at info, not as a warning, and the plane knows it waits until it resolves', async () => {
    await w.apply(apiV4('orders', 'ctx'));
    const ordersRef = { apiVersion: GRAVITEE, kind: 'ApiV4Definition', namespace: w.ns, name: 'orders' };
    const api = await w.waitForCondition('ApiV4Definition', 'orders', 'ResolvedRefs', 'False', { reason: 'ResolveRefError' });
    // GKO's conditions are kept: Accepted False with its reason; the view and the log say it waits.
    expect(conditionOf(api, 'Accepted')).toMatchObject({ status: 'False', reason: 'ReconcileFailed' });
    await waitFor('the plane to know it waits', () => w.plane.waitsForReference(ordersRef));
    expect(progressRow(ordersRef, api, w.plane.waitsForReference(ordersRef)).reason).toBe('Waiting');
    const lines = w.logs.map((l) => JSON.parse(l) as { level: string; message: string; name?: string });
    expect(lines.filter((l) => l.name === 'orders' && l.level === 'WARN')).toEqual([]);
    expect(lines.some((l) => l.name === 'orders' && l.level === 'INFO' && l.message.startsWith('waiting for a reference'))).toBe(true);

    await w.apply(secret('creds', { bearerToken: TOKEN }));
    await w.apply(managementContext('ctx', w.apim.url, { secretRef: { name: 'creds' } }));
    const synced = await w.waitForCondition('ApiV4Definition', 'orders', 'Accepted', 'True');
    await waitFor('the wait to be over', () => !w.plane.waitsForReference(ordersRef));
    expect(progressRow(ordersRef, synced, w.plane.waitsForReference(ordersRef))).toMatchObject({ reason: 'Synced', settled: true });
  });
});

/** An SQS client that answers the runner's calls from a script. */
function scriptedQueue(receive: () => Message[]) {
  const deleted: string[] = [];
  const sqs = {
    async send(cmd: unknown) {
      // A macrotask per call, as a real (long-polling) queue takes: the runner's loop must not starve timers.
      await new Promise((r) => setImmediate(r));
      if (cmd instanceof ReceiveMessageCommand) return { Messages: receive() };
      if (cmd instanceof DeleteMessageBatchCommand) {
        deleted.push(...(cmd.input.Entries ?? []).map((e) => e.ReceiptHandle ?? ''));
        return {};
      }
      throw new Error('unexpected call');
    },
  } as unknown as SQSClient;
  return { sqs, deleted };
}

const message = (id: string): Message => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: '{}', Attributes: { MessageGroupId: id, ApproximateReceiveCount: '1' } });

describe('the local Lambda runner', () => {
  it('reports no runner error when every record of a batch failed (each sync logged its own)', async () => {
    let batches = 0;
    const { sqs, deleted } = scriptedQueue(() => (batches++ === 0 ? [message('a'), message('b')] : []));
    const errors: unknown[] = [];
    let thrown: unknown;
    const runner = new LambdaRunner({
      sqs,
      queueUrl: 'q',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
      concurrency: 1,
      waitTimeSeconds: 0,
      // As the sync function: Powertools' FIFO processor, every record failing.
      handler: async (event: SQSEvent, context) =>
        processPartialResponse(
          event,
          async () => {
            throw new Error('sync failed; will retry');
          },
          new SqsFifoPartialProcessorAsync(),
          { context, skipGroupOnError: true },
        ).catch((err) => {
          thrown = err;
          throw err;
        }),
      onError: (err) => errors.push(err),
    });
    runner.start();
    await waitFor('the batch', () => runner.invocations === 1 && batches > 2);
    await runner.stop();
    expect(thrown).toBeInstanceOf(FullBatchFailureError);
    expect(errors).toEqual([]);
    expect(deleted).toEqual([]);
  });

  it('reports an error every poll meets once, and again only after polling recovered', async () => {
    const script = ['down', 'down', 'down', 'up', 'down', 'down'];
    let polls = 0;
    const { sqs } = scriptedQueue(() => {
      const step = script[Math.min(polls++, script.length - 1)];
      if (step === 'down') throw new Error('connect ECONNREFUSED 127.0.0.1:4566');
      return [];
    });
    const reported: Array<{ stage: RunnerStage; message: string }> = [];
    const runner = new LambdaRunner({
      sqs,
      queueUrl: 'q',
      queueArn: 'arn:aws:sqs:us-east-1:000000000000:q.fifo',
      concurrency: 1,
      handler: async () => ({ batchItemFailures: [] }),
      onError: (err, stage) => reported.push({ stage, message: (err as Error).message }),
    });
    runner.start();
    await waitFor('six polls', () => polls >= 6);
    await runner.stop();
    expect(reported).toEqual([
      { stage: 'receive', message: 'connect ECONNREFUSED 127.0.0.1:4566' },
      { stage: 'receive', message: 'connect ECONNREFUSED 127.0.0.1:4566' },
    ]);
  });
});

describe('Ctrl-C', () => {
  it('says what is stopping, step by step, and ends with a last line', async () => {
    const said: string[] = [];
    const done = stopOnSignal(
      async (step) => {
        step('stopping the watcher');
        step('closing the queue');
      },
      'apim-sync stopped.',
      (line) => said.push(line),
    );
    process.emit('SIGINT');
    await done;
    expect(said).toEqual(['\nStopping (Ctrl-C again to quit at once)…', '• stopping the watcher', '• closing the queue', 'apim-sync stopped.']);
  });
});
