import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { apiV4, useGraviteeWorld, type GraviteeWorld } from '../support/gravitee-e2e.ts';

const MAX_RECEIVE_COUNT = 3;
let w: GraviteeWorld;
// A short backoff through the options: the outage lasts attempts, not minutes.
useGraviteeWorld((world) => void (w = world), { maxReceiveCount: MAX_RECEIVE_COUNT, retry: { baseSeconds: 0, maxSeconds: 0 }, vendorTimeoutMs: 1_000 });

const dlqDepth = async () => {
  const { Attributes: a = {} } = await w.plane.queue.sqs.send(new GetQueueAttributesCommand({ QueueUrl: w.plane.queue.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
};

describe('a vendor outage longer than maxReceiveCount receives', () => {
  it('keeps retrying the message (renewed before the DLQ) and syncs it once the vendor is back, with one vendor object', async () => {
    const write = { method: 'PUT', path: /\/automation\/organizations\/acme\/environments\/dev\/apis$/ };
    // Twice as many failed writes as the queue allows receives: without renewal the message would be in the DLQ.
    const failures = 2 * MAX_RECEIVE_COUNT;
    w.apim.faults.inject({ ...write, status: 503, times: failures });
    await w.apply(apiV4('outage', 'ctx'));
    await w.waitForCondition('ApiV4Definition', 'outage', 'Accepted', 'True');
    expect(w.apim.calls.filter((c) => c.method === 'PUT' && write.path.test(c.path)).length).toBe(failures + 1);
    expect(await dlqDepth()).toBe(0);
    expect(w.apim.state.apis('acme', 'dev').filter((a) => a.hrid === w.hrid('outage'))).toHaveLength(1);
  }, 60_000);
});
