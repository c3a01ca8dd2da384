/**
 * One request to a vendor emulator, taken the same way by all of them: an injected fault first (a delay, a dropped
 * connection or an error status), then the vendor's answer, the configured latency, and a line in the call log.
 * What is particular to a vendor (its error bodies, its routes and checks, what its call log adds) comes in hooks.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultInjector, FaultRule } from './faults.ts';
import { readBody, send, type Answer } from './http-io.ts';
import { recordCall, type CallRecord } from './records.ts';

export interface EmulatedRequest {
  req: IncomingMessage;
  /** Upper-case. */
  method: string;
  url: URL;
  /** `url.pathname`. */
  path: string;
  /** The port the request came in on (an emulator listening on several tells them apart), read on arrival. */
  localPort: number;
  /**
   * The whole body, read from the moment the request arrives, before any injected delay: a client that gives up
   * waiting leaves a request the emulator still carries out, as a real server does once it has it. Rejects with the
   * vendor's 413 past the size limit.
   */
  body: Promise<Buffer>;
}

export interface VendorExchange<A extends Answer, C extends CallRecord> {
  faults: FaultInjector;
  calls: C[];
  maxCalls?: number;
  /** Added to every answer (benchmarks). */
  latencyMs?: number;
  /** The vendor's 413. */
  tooLarge(): Error;
  /** The vendor's error body for an injected status whose rule names none. */
  faultBody(status: number, request: EmulatedRequest): unknown;
  /** The vendor's answer; what it throws becomes `errorAnswer`'s. */
  answer(request: EmulatedRequest): Promise<A> | A;
  /** A thrown error as the vendor answers it: its own errors as they are, anything else as its 500. */
  errorAnswer(e: unknown, request: EmulatedRequest): A;
  /** What the vendor's call log keeps besides method, path and status (a tenant, a gateway id). */
  callDetails?(request: EmulatedRequest, answer: A | undefined): Omit<C, keyof CallRecord>;
  /** Default `send` of http-io.ts. */
  send?(res: ServerResponse, answer: A): void;
  /** A listener that takes the request over, unread (another server behind the same host); faults apply first. */
  handOver?(path: string): RequestListener | undefined;
}

export function exchangeListener<A extends Answer, C extends CallRecord>(x: VendorExchange<A, C>): RequestListener {
  const write = x.send ?? send;
  const record = (request: EmulatedRequest, status: number, answer: A | undefined) =>
    recordCall(x.calls, { method: request.method, path: request.path, status, ...x.callDetails?.(request, answer) } as C, x.maxCalls ?? 100_000);

  async function exchange(req: IncomingMessage, res: ServerResponse, request: EmulatedRequest): Promise<void> {
    const fault = x.faults.take(request.method, request.path);
    if (fault?.afterAnswer && !x.handOver?.(request.path)) return answerLost(req, res, request, fault);
    const handOver = fault?.status ? undefined : x.handOver?.(request.path);
    if (!handOver) request.body.catch(() => {}); // read now; a dropped connection or a refusal leaves it unused
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.dropConnection) {
      record(request, 0, undefined);
      req.socket.destroy();
      return;
    }
    if (handOver) {
      res.on('finish', () => record(request, res.statusCode, undefined));
      return handOver(req, res);
    }
    let answer: A;
    if (fault?.status) {
      await request.body.catch(() => {}); // the whole request first: a client is never cut off mid-body
      const retryAfter = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined;
      answer = { status: fault.status, body: fault.body ?? x.faultBody(fault.status, request), headers: retryAfter } as A;
    } else {
      try {
        answer = await x.answer(request);
      } catch (e) {
        answer = x.errorAnswer(e, request);
      }
    }
    if (x.latencyMs) await sleep(x.latencyMs);
    record(request, answer.status, answer);
    write(res, answer);
  }

  /** The request carried out (a write applied), then its answer lost: held, cut off or replaced by the fault's. */
  async function answerLost(req: IncomingMessage, res: ServerResponse, request: EmulatedRequest, fault: FaultRule): Promise<void> {
    let answer: A;
    try {
      answer = await x.answer(request);
    } catch (e) {
      answer = x.errorAnswer(e, request);
    }
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.dropConnection) {
      record(request, 0, undefined);
      req.socket.destroy();
      return;
    }
    if (fault.status) {
      const retryAfter = fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : undefined;
      answer = { status: fault.status, body: fault.body ?? x.faultBody(fault.status, request), headers: retryAfter } as A;
    }
    if (x.latencyMs) await sleep(x.latencyMs);
    record(request, answer.status, answer);
    if (!res.destroyed) write(res, answer);
  }

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    let body: Promise<Buffer> | undefined;
    const request: EmulatedRequest = {
      req,
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      path: url.pathname,
      localPort: req.socket.localPort ?? 0,
      // started on first use, so that a request handed over is left unread
      get body() {
        return (body ??= readBody(req, x.tooLarge));
      },
    };
    exchange(req, res, request).catch((e: unknown) => {
      if (!res.headersSent) write(res, x.errorAnswer(e, request));
      else res.destroy();
    });
  };
}
