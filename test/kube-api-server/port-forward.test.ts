import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PortForward } from '@kubernetes/client-node';
import { closedPort, readyPod, startEchoServer, startHarness, type Harness } from './helpers.ts';

const TOKEN = 'pf-token';
const NS = 'pf';
let h: Harness;
let tcpEcho: Server;
let tcpPort: number;
let http: Awaited<ReturnType<typeof startEchoServer>>;
const backendSockets = new Set<Socket>();

beforeAll(async () => {
  h = await startHarness({ token: TOKEN });
  // A TCP echo server that closes the connection when it reads "bye".
  tcpEcho = createServer((s) => {
    backendSockets.add(s);
    s.on('close', () => backendSockets.delete(s));
    s.on('data', (d) => (d.toString() === 'bye' ? s.end('later') : s.write(d)));
  });
  await new Promise<void>((r) => tcpEcho.listen(0, '127.0.0.1', r));
  tcpPort = (tcpEcho.address() as AddressInfo).port;
  http = await startEchoServer();
  await readyPod(h.core, NS, 'gw-0', { ports: [{ name: 'rest', containerPort: http.port }] });
  await h.core.createNamespacedPod({ namespace: NS, body: { metadata: { name: 'pending' }, spec: { containers: [{ name: 'm', image: 'i' }] } } });
});
afterAll(async () => {
  await h.server.close();
  await http.close();
  await new Promise((r) => tcpEcho.close(r));
});

const wsUrl = (pod: string, query: string) => `${h.server.url.replace(/^http/, 'ws')}/api/v1/namespaces/${NS}/pods/${pod}/portforward?${query}`;

/** A port-forward WebSocket with every frame it receives, in order. */
async function open(pod: string, query: string, protocols: string[] = ['v4.channel.k8s.io']) {
  const ws = new WebSocket(wsUrl(pod, query), protocols, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const frames: { data: Buffer; binary: boolean }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data, binary) => {
    frames.push({ data: data as Buffer, binary });
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = (n: number) => new Promise<void>((resolve) => (frames.length >= n ? resolve() : waiters.push(() => frames.length >= n && resolve())));
  const framesUntil = async (n: number) => {
    while (frames.length < n) await until(n);
    return frames.slice(0, n);
  };
  return { ws, frames: framesUntil, closed };
}

/** The refusal of a handshake: status, content type and body. */
function refusal(pod: string, query: string, protocols: string[] = ['v4.channel.k8s.io'], headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` }) {
  return new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
    const ws = new WebSocket(wsUrl(pod, query), protocols, { headers });
    ws.on('open', () => reject(new Error('upgraded')));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
    });
  });
}

const portBytes = (p: number) => Buffer.from([p & 0xff, p >> 8]);

describe('pods/{name}/portforward over WebSocket', () => {
  it('v4.channel.k8s.io: port prefix on the data and error channels, then bytes both ways; closes when the pod side does', async () => {
    const { ws, frames, closed } = await open('gw-0', `ports=${tcpPort}`);
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    const first = await frames(2);
    expect(first.map((f) => [...f.data])).toEqual([[0, ...portBytes(tcpPort)], [1, ...portBytes(tcpPort)]]);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('hello')]));
    const [, , echoed] = await frames(3);
    expect(echoed.binary).toBe(true);
    expect(echoed.data.toString()).toBe('\u0000hello');
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('bye')]));
    expect((await frames(4))[3].data.toString()).toBe('\u0000later');
    expect(await closed).toBe(1000);
    expect(h.server.requestCounts()['get pods/portforward']).toBeGreaterThanOrEqual(1);
  });

  it('v4.base64.channel.k8s.io: text frames with an ASCII channel and base64 payloads; several ports in one connection', async () => {
    const { ws, frames } = await open('gw-0', `ports=${tcpPort},${http.port}`, ['v4.base64.channel.k8s.io']);
    expect(ws.protocol).toBe('v4.base64.channel.k8s.io');
    const first = await frames(4);
    const decode = (f: { data: Buffer }) => [f.data.toString()[0], Buffer.from(f.data.toString().slice(1), 'base64')];
    expect(first.map(decode)).toEqual([
      ['0', portBytes(tcpPort)],
      ['1', portBytes(tcpPort)],
      ['2', portBytes(http.port)],
      ['3', portBytes(http.port)],
    ]);
    ws.send(`2${Buffer.from('GET /over-pf HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n').toString('base64')}`);
    ws.send(`0${Buffer.from('ping').toString('base64')}`);
    const got = new Map<string, string>();
    for (let n = 5; ; n++) {
      for (const f of (await frames(n)).slice(4)) got.set(decode(f)[0] as string, `${got.get(decode(f)[0] as string) ?? ''}${(decode(f)[1] as Buffer).toString()}`);
      if (got.get('0') === 'ping' && got.get('2')?.includes('"url":"/over-pf"')) break;
    }
    expect(got.get('2')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    ws.close();
  });

  it('works with client-node PortForward (HTTP/1.1 through the tunnel, Authorization intact)', async () => {
    const output = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (d: Buffer) => (received += d.toString()));
    const ws = (await new PortForward(h.server.kubeConfig()).portForward(NS, 'gw-0', [http.port], output, null, input)) as WebSocket;
    const closed = new Promise((r) => ws.on('close', r));
    input.write('GET /rest-apis HTTP/1.1\r\nHost: gw\r\nAuthorization: Basic YWRtaW46YWRtaW4=\r\nConnection: close\r\n\r\n');
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(http.requests.at(-1)).toMatchObject({ url: '/rest-apis', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
  });

  it('reports a refused connection on the error channel, then closes', async () => {
    const port = await closedPort();
    const { frames, closed } = await open('gw-0', `ports=${port}`);
    const [, , error] = await frames(3);
    expect(error.data[0]).toBe(1);
    expect(error.data.subarray(1).toString()).toMatch(new RegExp(`^error forwarding port ${port} to pod .*connect: connection refused`));
    expect(await closed).toBe(1000);
  });

  it('closes the pod-side connection when the client goes away', async () => {
    const before = backendSockets.size;
    const { ws, frames } = await open('gw-0', `ports=${tcpPort}`);
    ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('x')]));
    await frames(3);
    expect(backendSockets.size).toBe(before + 1);
    const gone = new Promise<void>((resolve) => [...backendSockets].at(-1)!.once('close', () => resolve()));
    ws.close();
    await gone;
    expect(backendSockets.size).toBe(before);
  });

  it('refuses before upgrading, as kube-apiserver and the kubelet do', async () => {
    const status = (r: { body: string }) => JSON.parse(r.body);
    const missing = await refusal('nope', 'ports=80');
    expect([missing.status, status(missing).message]).toEqual([404, 'pods "nope" not found']);
    const pending = await refusal('pending', 'ports=80');
    expect([pending.status, status(pending).reason, status(pending).message]).toEqual([400, 'BadRequest', 'unable to forward port because pod is not running. Current status=Pending']);
    expect(await refusal('gw-0', '')).toEqual({ status: 400, type: 'text/plain; charset=utf-8', body: 'at least 1 port must be specified' });
    expect((await refusal('gw-0', 'ports=http')).body).toMatch(/^unable to parse "http" as a port/);
    expect(await refusal('gw-0', 'ports=80', ['v5.channel.k8s.io'])).toMatchObject({ status: 403, body: '' });
    expect((await refusal('gw-0', 'ports=80', ['v4.channel.k8s.io'], {})).status).toBe(401);
    h.server.faults.inject({ path: /portforward/, forbidden: true, times: 1 });
    const forbidden = await refusal('gw-0', 'ports=80');
    expect([forbidden.status, status(forbidden).message]).toEqual([403, `pods "gw-0" is forbidden: User "kube-api-server" cannot get resource "pods/portforward" in API group "" in the namespace "${NS}"`]);
    const plain = await fetch(`${h.server.url}/api/v1/namespaces/${NS}/pods/gw-0/portforward?ports=80`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect([plain.status, ((await plain.json()) as any).message]).toEqual([400, 'Upgrade request required']);
  });
});
