import { sigV4Signer, type CredentialSource } from '../shared/aws/sigv4.ts';
import { httpCall } from './http-call.ts';
import { failedEntries, type BatchEntry, type QueueTransport } from './queue-sender.ts';

export interface SqsHttpOptions {
  queueUrl: string;
  region: string;
  /** Default https://sqs.<region>.amazonaws.com; the fauxqs emulator's address in tests. */
  endpoint?: string;
  credentials: CredentialSource;
  timeoutMs?: number;
}

/**
 * SendMessageBatch and GetQueueAttributes over SQS's JSON protocol, signed with SigV4 by AWS's signer: the two calls
 * the watcher makes, without the SDK's SQS client, whose import alone costs the watcher about 11 MB of its 64 MB.
 */
export function sqsHttpTransport(o: SqsHttpOptions): QueueTransport {
  const endpoint = new URL(o.endpoint ?? `https://sqs.${o.region}.amazonaws.com/`);
  const signer = sigV4Signer({ region: o.region, service: 'sqs', credentials: o.credentials });
  const call = async (action: string, payload: object): Promise<Record<string, unknown>> => {
    const body = JSON.stringify(payload);
    const headers = await signer.sign({ method: 'POST', url: endpoint, headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` }, body });
    const { status, text } = await httpCall(endpoint, { method: 'POST', headers, body, timeoutMs: o.timeoutMs });
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // not JSON: reported by status below
    }
    if (status !== 200) {
      const type = String(json.__type ?? status).split('#').pop();
      throw new Error(`SQS ${action} failed: ${type}: ${String(json.message ?? json.Message ?? text.slice(0, 200))}`);
    }
    return json;
  };
  return {
    async sendBatch(entries: BatchEntry[]) {
      const res = await call('SendMessageBatch', {
        QueueUrl: o.queueUrl,
        Entries: entries.map((e) => ({ Id: e.id, MessageBody: e.body, MessageGroupId: e.groupId, MessageDeduplicationId: e.deduplicationId })),
      });
      return { failed: failedEntries(entries, res.Successful as Array<{ Id?: string }>, res.Failed as Array<{ Id?: string; Code?: string; Message?: string }>) };
    },
    async ping() {
      await call('GetQueueAttributes', { QueueUrl: o.queueUrl, AttributeNames: ['QueueArn'] });
    },
  };
}
