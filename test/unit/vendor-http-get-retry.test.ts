import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countingView } from '../../shared/engine/call-tally.ts';
import { SyncError } from '../../shared/engine/errors.ts';
import { getRetryDelayMs, DEFAULT_GET_RETRY } from '../../shared/vendor-http/get-retry.ts';
import { VendorHttp, type VendorRequest } from '../../shared/vendor-http/vendor-http.ts';

/** What the server does with each request, in order: a status (with its headers), cut the connection, or never answer. */
type Step = { status: number; headers?: Record<string, string> } | 'reset' | 'hold';
let script: Step[] = [];
let hits: string[] = [];
const held: ServerResponse[] = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  hits.push(req.method!);
  req.resume();
  const step = script.shift() ?? { status: 200 };
  if (step === 'reset') return req.socket.destroy();
  if (step === 'hold') return void held.push(res);
  res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(JSON.stringify({ status: step.status }));
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await http.close();
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  script = [];
  hits = [];
});

// Short waits through the options, so the test never sleeps for long.
const http = new VendorHttp({ policy: { allowLoopback: true, allowLinkLocal: false }, timeoutMs: 5_000, getRetry: { baseMs: 1 } });
/** Sends one request as a sync does (through its counting view) and says what came of it and what was counted. */
async function send(method: VendorRequest['method'], steps: Step[], timeoutMs?: number) {
  script = [...steps];
  hits = [];
  let counted = 0;
  const view = countingView(http, () => counted++);
  const result = await view.request({ method, url: `${base}/things/1`, timeoutMs, ...(method === 'GET' || method === 'DELETE' ? {} : { json: { a: 1 } }) }).then(
    (res) => res.status,
    (err: unknown) => (err instanceof SyncError ? `${err.retry}:${err.reason}` : String(err)),
  );
  return { result, attempts: hits.length, counted };
}

describe('a GET is retried within the sync on what passes', () => {
  it('retries 502, 503 and 504 and counts every attempt as a vendor call', async () => {
    expect(await send('GET', [{ status: 503 }, { status: 502 }, { status: 200 }])).toEqual({ result: 200, attempts: 3, counted: 3 });
    expect(await send('GET', [{ status: 504 }, { status: 200 }])).toEqual({ result: 200, attempts: 2, counted: 2 });
  });

  it('gives up after two retries and hands the last answer to the caller (the queue backs off)', async () => {
    expect(await send('GET', [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 200 }])).toEqual({ result: 503, attempts: 3, counted: 3 });
  });

  it('retries a 429 whose Retry-After is short, not one whose Retry-After is long', async () => {
    expect(await send('GET', [{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }])).toEqual({ result: 200, attempts: 2, counted: 2 });
    expect(await send('GET', [{ status: 429, headers: { 'retry-after': '30' } }, { status: 200 }])).toEqual({ result: 429, attempts: 1, counted: 1 });
  });

  it('retries a connection reset', async () => {
    expect(await send('GET', ['reset', { status: 200 }])).toEqual({ result: 200, attempts: 2, counted: 2 });
  });

  it('retries a timeout once only', async () => {
    // The held requests' timeout is short through the request's own option; the answered ones have the client's.
    expect(await send('GET', ['hold', { status: 200 }], 150)).toEqual({ result: 200, attempts: 2, counted: 2 });
    expect(await send('GET', ['hold', 'hold', { status: 200 }], 150)).toEqual({ result: 'transient:Timeout', attempts: 2, counted: 2 });
  });

  it('does not retry what another attempt would not change (500, 404, 400)', async () => {
    for (const status of [500, 404, 400]) expect(await send('GET', [{ status }, { status: 200 }])).toEqual({ result: status, attempts: 1, counted: 1 });
  });
});

describe('a write is never retried within the sync', () => {
  it('hands back a 503, a 429 and a reset on POST, PUT, PATCH and DELETE after one attempt', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      expect(await send(method, [{ status: 503 }, { status: 200 }])).toEqual({ result: 503, attempts: 1, counted: 1 });
      expect(await send(method, [{ status: 429, headers: { 'retry-after': '0' } }, { status: 200 }])).toEqual({ result: 429, attempts: 1, counted: 1 });
      expect(await send(method, ['reset', { status: 200 }])).toEqual({ result: 'transient:Unreachable', attempts: 1, counted: 1 });
    }
  });
});

describe('the wait before a retry', () => {
  it('grows with jitter, takes a short Retry-After as its floor, and stops after the retries', () => {
    const p = DEFAULT_GET_RETRY;
    for (let i = 0; i < 20; i++) {
      expect(getRetryDelayMs(p, 1, { status: 503 }, 0)).toBeGreaterThanOrEqual(50);
      expect(getRetryDelayMs(p, 1, { status: 503 }, 0)).toBeLessThanOrEqual(100);
      expect(getRetryDelayMs(p, 2, { code: 'ECONNRESET' }, 0)).toBeGreaterThanOrEqual(100);
      expect(getRetryDelayMs(p, 2, { code: 'ECONNRESET' }, 0)).toBeLessThanOrEqual(200);
    }
    expect(getRetryDelayMs(p, 1, { status: 429, retryAfterSeconds: 1 }, 0)).toBe(1000);
    expect(getRetryDelayMs(p, 1, { status: 429, retryAfterSeconds: 3 }, 0)).toBeUndefined();
    expect(getRetryDelayMs(p, 3, { status: 503 }, 0)).toBeUndefined();
    expect(getRetryDelayMs(p, 1, { code: 'ECONNREFUSED' }, 0)).toBeUndefined();
    expect(getRetryDelayMs(p, 1, { code: 'EADDRREFUSED' }, 0)).toBeUndefined();
  });
});
