/**
 * Live gateway WebSocket connections, as platform-api's connection manager keeps them (`internal/websocket/
 * manager.go`): several per gateway (replicas), `connection.ack` first, a ping every interval and, at each tick,
 * a connection whose last pong is older than the timeout is closed (1000, "normal closure") and forgotten.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { connectionAck } from './events.ts';
import type { ConnectionInfo } from './types.ts';

interface Connection {
  id: string;
  gatewayId: string;
  socket: WebSocket;
  connectedAt: Date;
  lastPong: number;
  heartbeat: NodeJS.Timeout;
}

export interface HubOptions {
  pingIntervalMs: number;
  pongTimeoutMs: number;
  activity: EventEmitter;
  /** A text message from the gateway. */
  onMessage(connection: ConnectionInfo, text: string): void;
}

/** Time a closed connection gets to answer the close frame before its socket is destroyed (gorilla closes at once). */
const CLOSE_GRACE_MS = 250;

export class ConnectionHub {
  private readonly live = new Map<string, Connection>();
  private pinging = true;
  private readonly opts: HubOptions;

  constructor(opts: HubOptions) {
    this.opts = opts;
  }

  /** Registers an upgraded socket of an authenticated gateway and acknowledges it. */
  attach(socket: WebSocket, gatewayId: string): ConnectionInfo {
    const connection: Connection = {
      id: randomUUID(),
      gatewayId,
      socket,
      connectedAt: new Date(),
      lastPong: Date.now(),
      heartbeat: setInterval(() => this.beat(connection), this.opts.pingIntervalMs),
    };
    connection.heartbeat.unref();
    this.live.set(connection.id, connection);
    const info = infoOf(connection);
    socket.on('pong', () => {
      connection.lastPong = Date.now();
      this.opts.activity.emit('pong', info);
    });
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.opts.onMessage(info, data.toString('utf8'));
    });
    socket.on('close', (code, reason) => {
      if (this.forget(connection)) this.opts.activity.emit('disconnection', { ...info, code, reason: reason.toString('utf8') });
    });
    socket.on('error', () => socket.terminate());
    socket.send(JSON.stringify(connectionAck(gatewayId, connection.id)));
    this.opts.activity.emit('connection', info);
    return info;
  }

  /** Writes a message to every open connection of the gateway; how many it reached. */
  send(gatewayId: string, text: string): number {
    let sent = 0;
    for (const c of this.live.values()) {
      if (c.gatewayId !== gatewayId || c.socket.readyState !== 1 /* OPEN */) continue;
      c.socket.send(text);
      sent++;
    }
    return sent;
  }

  /** Destroys sockets without a close frame: a network cut. */
  drop(gatewayId?: string): number {
    let dropped = 0;
    for (const c of [...this.live.values()]) {
      if (gatewayId && c.gatewayId !== gatewayId) continue;
      if (this.forget(c)) this.opts.activity.emit('disconnection', { ...infoOf(c), code: 1006, reason: 'dropped' });
      c.socket.terminate();
      dropped++;
    }
    return dropped;
  }

  stopPinging(): void {
    this.pinging = false;
  }

  /** Pings again, counting the pause as heard from (the pause is the server's, not the gateway's). */
  resumePinging(): void {
    this.pinging = true;
    for (const c of this.live.values()) c.lastPong = Date.now();
  }

  list(gatewayId?: string): ConnectionInfo[] {
    return [...this.live.values()].filter((c) => !gatewayId || c.gatewayId === gatewayId).map(infoOf);
  }

  private beat(c: Connection): void {
    if (!this.pinging) return;
    if (Date.now() - c.lastPong > this.opts.pongTimeoutMs) {
      // unregistered first, as Manager.Unregister: no event reaches a connection being closed
      if (this.forget(c)) this.opts.activity.emit('disconnection', { ...infoOf(c), code: 1000, reason: 'pong timeout' });
      closeNow(c.socket, 1000, 'normal closure');
      return;
    }
    c.socket.ping();
  }

  private forget(c: Connection): boolean {
    clearInterval(c.heartbeat);
    return this.live.delete(c.id);
  }
}

/** Close frame, then the socket goes whether or not the peer answers (gorilla writes the frame and closes). */
export function closeNow(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
}

const infoOf = (c: Connection): ConnectionInfo => ({ gatewayId: c.gatewayId, connectionId: c.id, connectedAt: c.connectedAt.toISOString() });
