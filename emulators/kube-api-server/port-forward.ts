/**
 * `pods/{name}/portforward` over WebSocket, as the kubelet's streaming server serves it behind kube-apiserver
 * (k8s.io/kubelet/pkg/cri/streaming/portforward/websocket.go): subprotocol `v4.channel.k8s.io` (binary frames
 * `[channel][payload]`), `v4.base64.channel.k8s.io` (text frames `'0'+channel` then base64) or none (binary); for the
 * i-th requested port a data channel 2i and an error channel 2i+1, each opened by a frame carrying the port as two
 * little-endian bytes; then a TCP connection to the port in the pod, piped both ways. A failed connection is reported
 * as text on the error channel; when every port's connection has ended the WebSocket is closed.
 * No SPDY (kubectl port-forward before 1.31 and its `v2.portforward.k8s.io` tunnel): see README.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { badRequest, notFound } from './status-errors.ts';
import type { ServerState } from './request-context.ts';
import { objectKey } from './store.ts';
import type { KubeObj } from './resource-type.ts';

const BINARY = 'v4.channel.k8s.io';
const BASE64 = 'v4.base64.channel.k8s.io';
const SUPPORTED = [BINARY, BASE64];

/** A refusal written on the raw socket before any upgrade: a Status from the apiserver, or plain text from the kubelet. */
export class UpgradeRefusal extends Error {
  readonly code: number;
  readonly contentType: string;
  readonly body: string;
  constructor(code: number, body: string, contentType = 'text/plain; charset=utf-8') {
    super(body);
    this.code = code;
    this.body = body;
    this.contentType = contentType;
  }
}

/** The pod to forward to; the apiserver's own refusals (404, not running) come before any upgrade. */
function runningPod(state: ServerState, namespace: string, name: string): KubeObj {
  const pod = state.store.collection('pods').objects.get(objectKey(namespace, name));
  if (!pod) throw notFound({ group: '', resource: 'pods' }, name);
  // kubectl checks this before asking; a kubelet would fail later for a pod with no running sandbox.
  if (pod.status?.phase !== 'Running' || !pod.status?.podIP) throw badRequest(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`);
  return pod;
}

/** portforward.NewV4Options: `ports` repeated and/or comma-separated, each 1..65535. */
function requestedPorts(query: URLSearchParams): number[] {
  const ports: number[] = [];
  for (const s of query.getAll('ports').flatMap((v) => v.split(','))) {
    const t = s.trim();
    if (!/^\d+$/.test(t) || Number(t) > 65535) throw new UpgradeRefusal(400, `unable to parse "${t}" as a port: strconv.ParseUint: parsing "${t}": invalid syntax`);
    if (Number(t) === 0) throw new UpgradeRefusal(400, 'port "0" must be > 0');
    ports.push(Number(t));
  }
  if (ports.length === 0) throw new UpgradeRefusal(400, 'at least 1 port must be specified');
  return ports;
}

/** The first protocol the client offers that the kubelet serves; none offered means the plain binary channel protocol. */
function negotiate(req: IncomingMessage): string {
  const offered = String(req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (offered.length === 0) return '';
  const chosen = offered.find((p) => SUPPORTED.includes(p));
  // x/net/websocket answers a failed handshake with a bare 403.
  if (!chosen) throw new UpgradeRefusal(403, '');
  return chosen;
}

export class PortForwarder {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // The Set keeps the client's order; negotiate() has already refused requests offering none of these.
    handleProtocols: (offered) => [...offered].find((p) => SUPPORTED.includes(p)) ?? false,
  });
  private readonly open = new Set<WebSocket>();

  /** Checks the request, then completes the WebSocket handshake and starts forwarding. Throws ApiError/UpgradeRefusal before upgrading. */
  upgrade(state: ServerState, namespace: string, name: string, query: URLSearchParams, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const pod = this.check(state, namespace, name);
    const ports = requestedPorts(query);
    const protocol = negotiate(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.forward(ws, protocol, pod, ports));
  }

  /** The apiserver's checks before it hands the connection to the kubelet: the pod exists and runs. */
  check(state: ServerState, namespace: string, name: string): KubeObj {
    return runningPod(state, namespace, name);
  }

  closeAll(): void {
    for (const ws of this.open) ws.terminate();
  }

  private forward(ws: WebSocket, protocol: string, pod: KubeObj, ports: number[]): void {
    this.open.add(ws);
    const base64 = protocol === BASE64;
    const send = (channel: number, data: Buffer) => {
      if (ws.readyState !== ws.OPEN) return;
      if (base64) ws.send(`${String.fromCharCode(48 + channel)}${data.toString('base64')}`);
      else ws.send(Buffer.concat([Buffer.from([channel]), data]));
    };
    const sockets: Socket[] = [];
    let active = ports.length;
    const done = () => {
      if (--active === 0) ws.close(1000);
    };
    ports.forEach((port, i) => {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16LE(port);
      send(2 * i, prefix);
      send(2 * i + 1, prefix);
      const tcp = connect({ host: pod.status.podIP, port });
      sockets[i] = tcp;
      tcp.on('data', (d: Buffer) => send(2 * i, d));
      tcp.on('error', (e: NodeJS.ErrnoException) => {
        // containerd's wording, which is what a client reads on the error channel.
        const why = e.code === 'ECONNREFUSED' ? `dial tcp4 ${pod.status.podIP}:${port}: connect: connection refused` : e.message;
        send(2 * i + 1, Buffer.from(`error forwarding port ${port} to pod ${pod.metadata.uid}, uid : failed to connect to localhost:${port} inside namespace "${pod.metadata.uid}", IPv4: ${why}`));
      });
      tcp.on('close', done);
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const frame = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (frame.length === 0) return;
      const channel = base64 && !isBinary ? frame[0] - 48 : frame[0];
      const payload = base64 && !isBinary ? Buffer.from(frame.subarray(1).toString('utf8'), 'base64') : frame.subarray(1);
      // Only data channels are readable; frames for error channels or unknown channels are dropped, as wsstream does.
      if (channel % 2 === 0 && sockets[channel / 2] && payload.length) sockets[channel / 2].write(payload);
    });
    ws.on('close', () => {
      this.open.delete(ws);
      for (const s of sockets) s.destroy();
    });
    ws.on('error', () => ws.terminate());
  }
}
