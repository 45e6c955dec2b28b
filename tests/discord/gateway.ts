/**
 * The gateway: a `ws` server speaking Discord's gateway v10 JSON protocol. HELLO, heartbeats and ACKs, IDENTIFY →
 * READY → GUILD_CREATE per guild of the shard, RESUME with replay of missed dispatches, and dispatches from the
 * driver (INTERACTION_CREATE, MESSAGE_CREATE, …). The driver can drop connections to exercise recovery.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayCloseCodes, GatewayDispatchEvents, GatewayOpcodes } from 'discord-api-types/v10';
import type { GatewayDispatchPayload } from 'discord-api-types/v10';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { guildCreatePayload, readyPayload } from './payloads.ts';
import { shardForGuild } from './snowflake.ts';
import type { DiscordState } from './state.ts';
import type { Violations } from './violations.ts';

/** How a connection is dropped by the driver. */
export type DropMode =
  /** Close frame 4000 (Unknown error): the client should resume. */
  | 'close-4000'
  /** Destroy the TCP socket without a close frame (code 1006 at the client): it should resume. */
  | 'tcp'
  /** Send op 9 Invalid Session (not resumable) and forget the session: the client must re-identify. */
  | 'invalidate';

/** Gateway settings. */
export interface GatewayOptions {
  state: DiscordState;
  token: string;
  shardCount: number;
  heartbeatIntervalMs: number;
  violations: Violations;
  /** The ws:// base URL (known once the HTTP server listens). */
  url: () => string;
}

interface Session {
  id: string;
  shardId: number;
  seq: number;
  intents: number;
  /** Dispatches sent in this session, kept for RESUME replay. */
  sent: GatewayDispatchPayload[];
  socket: WebSocket | undefined;
}

interface Connection {
  socket: WebSocket;
  session: Session | undefined;
}

/** Counters tests assert on: how each shard (re)connected. */
export interface GatewayStats {
  identifies: number;
  resumes: number;
  heartbeats: number;
}

/** The gateway server. */
export class Gateway {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Set<Connection>();
  private readonly options: GatewayOptions;
  /** Counters per shard id. */
  readonly stats = new Map<number, GatewayStats>();
  private readonly readyWaiters: Array<() => void> = [];

  constructor(options: GatewayOptions) {
    this.options = options;
    for (let shard = 0; shard < options.shardCount; shard++) this.stats.set(shard, { identifies: 0, resumes: 0, heartbeats: 0 });
  }

  /** Takes over an HTTP upgrade request. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const query = new URL(req.url ?? '/', 'ws://localhost').searchParams;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (query.get('v') !== '10' || (query.get('encoding') ?? 'json') !== 'json' || query.has('compress')) {
        this.options.violations.record('gateway', `unsupported gateway query ${req.url ?? ''} (expected v=10&encoding=json)`);
        ws.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
        return;
      }
      this.accept(ws);
    });
  }

  private accept(socket: WebSocket): void {
    const connection: Connection = { socket, session: undefined };
    this.connections.add(connection);
    socket.on('close', () => {
      this.connections.delete(connection);
      if (connection.session?.socket === socket) connection.session.socket = undefined;
    });
    socket.on('error', () => socket.terminate());
    socket.on('message', (raw, isBinary) => {
      let payload: { op?: unknown; d?: unknown };
      try {
        payload = JSON.parse(isBinary ? Buffer.from(raw as Buffer).toString() : raw.toString()) as { op?: unknown; d?: unknown };
      } catch {
        this.options.violations.record('gateway', 'undecodable gateway payload');
        socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
        return;
      }
      this.onPayload(connection, payload);
    });
    this.send(socket, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  private onPayload(connection: Connection, payload: { op?: unknown; d?: unknown }): void {
    const { socket } = connection;
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat: {
        const shard = connection.session?.shardId;
        if (shard !== undefined) this.statsFor(shard).heartbeats++;
        this.send(socket, { op: GatewayOpcodes.HeartbeatAck });
        return;
      }
      case GatewayOpcodes.Identify:
        this.identify(connection, payload.d as IdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.resume(connection, payload.d as ResumeData);
        return;
      case GatewayOpcodes.RequestGuildMembers:
        if (!connection.session) socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        else this.memberChunk(connection.session, payload.d as MemberRequest);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
        if (!connection.session) socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
        return;
      default:
        this.options.violations.record('gateway', `unknown gateway opcode ${String(payload.op)}`);
        socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private identify(connection: Connection, d: IdentifyData): void {
    const { socket } = connection;
    if (connection.session) {
      socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (d?.token !== this.options.token && d?.token !== `Bot ${this.options.token}`) {
      socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const shard = d.shard ?? [0, 1];
    if (shard[1] !== this.options.shardCount || shard[0] < 0 || shard[0] >= shard[1]) {
      this.options.violations.record('gateway', `IDENTIFY with shard ${JSON.stringify(shard)}, server has ${this.options.shardCount} shards`);
      socket.close(GatewayCloseCodes.InvalidShard, 'Invalid shard.');
      return;
    }
    if (typeof d.intents !== 'number') {
      socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    // A fresh IDENTIFY replaces any older session of this shard, as Discord invalidates it.
    for (const [id, old] of this.sessions) {
      if (old.shardId !== shard[0]) continue;
      this.sessions.delete(id);
      if (old.socket && old.socket !== socket) old.socket.close(GatewayCloseCodes.SessionTimedOut, 'Session replaced.');
    }
    const session: Session = { id: randomBytes(16).toString('hex'), shardId: shard[0], seq: 0, intents: d.intents, sent: [], socket };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.statsFor(session.shardId).identifies++;
    const guildIds = this.guildIdsOf(session.shardId);
    this.dispatchTo(session, GatewayDispatchEvents.Ready, readyPayload(this.options.state, {
      sessionId: session.id,
      resumeUrl: `${this.options.url()}/resume`,
      shard: [session.shardId, this.options.shardCount],
      guildIds,
    }));
    for (const guildId of guildIds) {
      const guild = this.options.state.guilds.get(guildId);
      if (guild) this.dispatchTo(session, GatewayDispatchEvents.GuildCreate, guildCreatePayload(this.options.state, guild));
    }
    this.notifyReady();
  }

  private resume(connection: Connection, d: ResumeData): void {
    const { socket } = connection;
    const session = d ? this.sessions.get(d.session_id) : undefined;
    if (!session || (d.token !== this.options.token && d.token !== `Bot ${this.options.token}`)) {
      this.send(socket, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    session.socket?.terminate();
    session.socket = socket;
    connection.session = session;
    this.statsFor(session.shardId).resumes++;
    for (const event of session.sent) if (event.s > d.seq) this.send(socket, event);
    this.dispatchTo(session, GatewayDispatchEvents.Resumed, {});
    this.notifyReady();
  }

  /** Answers op 8 with one GUILD_MEMBERS_CHUNK (all matches fit in one chunk at test sizes). */
  private memberChunk(session: Session, d: MemberRequest): void {
    const guild = d ? this.options.state.guilds.get(d.guild_id) : undefined;
    if (!guild) return;
    const ids = d.user_ids === undefined ? undefined : new Set(Array.isArray(d.user_ids) ? d.user_ids : [d.user_ids]);
    const query = (d.query ?? '').toLowerCase();
    let members = [...guild.members.values()].filter((m) =>
      ids ? ids.has(m.user.id) : m.user.username.toLowerCase().startsWith(query) || (m.nick ?? '').toLowerCase().startsWith(query));
    if (!ids && d.limit) members = members.slice(0, d.limit);
    this.dispatchTo(session, GatewayDispatchEvents.GuildMembersChunk, {
      guild_id: guild.id,
      members,
      chunk_index: 0,
      chunk_count: 1,
      ...(ids ? { not_found: [...ids].filter((id) => !guild.members.has(id)) } : {}),
      ...(d.nonce ? { nonce: d.nonce } : {}),
    });
  }

  /** Sends a dispatch to the live session of a shard; returns false when the shard has no session. */
  dispatch(shardId: number, t: GatewayDispatchEvents, d: unknown): boolean {
    const session = [...this.sessions.values()].find((s) => s.shardId === shardId);
    if (!session) return false;
    this.dispatchTo(session, t, d);
    return true;
  }

  /** Sends a dispatch to the shard owning a guild (DM events go to shard 0, as Discord does). */
  dispatchForGuild(guildId: string | undefined, t: GatewayDispatchEvents, d: unknown): boolean {
    return this.dispatch(guildId ? shardForGuild(guildId, this.options.shardCount) : 0, t, d);
  }

  /** Whether a shard's session intents include a bit. */
  hasIntent(shardId: number, bit: number): boolean {
    const session = [...this.sessions.values()].find((s) => s.shardId === shardId);
    return session !== undefined && (session.intents & bit) !== 0;
  }

  private dispatchTo(session: Session, t: GatewayDispatchEvents, d: unknown): void {
    const payload = { op: GatewayOpcodes.Dispatch, t, s: ++session.seq, d } as GatewayDispatchPayload;
    session.sent.push(payload);
    if (session.socket) this.send(session.socket, payload);
  }

  /** Drops the connection of one shard (or all shards). */
  drop(shardId: number | undefined, mode: DropMode): number {
    let dropped = 0;
    for (const connection of [...this.connections]) {
      const session = connection.session;
      if (!session || (shardId !== undefined && session.shardId !== shardId)) continue;
      dropped++;
      if (mode === 'close-4000') connection.socket.close(GatewayCloseCodes.UnknownError, 'Unknown error');
      else if (mode === 'tcp') connection.socket.terminate();
      else {
        this.sessions.delete(session.id);
        connection.session = undefined;
        this.send(connection.socket, { op: GatewayOpcodes.InvalidSession, d: false });
      }
    }
    return dropped;
  }

  /** Resolves when every shard has a connected session (after READY or RESUMED). */
  async waitUntilConnected(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.allConnected()) {
      if (Date.now() > deadline) throw new Error('fake discord: gateway shards did not (re)connect in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.readyWaiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  private allConnected(): boolean {
    for (let shard = 0; shard < this.options.shardCount; shard++) {
      const session = [...this.sessions.values()].find((s) => s.shardId === shard);
      if (!session?.socket) return false;
    }
    return true;
  }

  private notifyReady(): void {
    for (const waiter of this.readyWaiters.splice(0)) waiter();
  }

  private guildIdsOf(shardId: number): string[] {
    return [...this.options.state.guilds.keys()].filter((id) => shardForGuild(id, this.options.shardCount) === shardId);
  }

  private statsFor(shardId: number): GatewayStats {
    let stats = this.stats.get(shardId);
    if (!stats) this.stats.set(shardId, (stats = { identifies: 0, resumes: 0, heartbeats: 0 }));
    return stats;
  }

  private send(socket: WebSocket, payload: unknown): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

interface IdentifyData {
  token: string;
  intents: number;
  shard?: [number, number];
}

interface MemberRequest {
  guild_id: string;
  query?: string;
  limit?: number;
  user_ids?: string | string[];
  nonce?: string;
}

interface ResumeData {
  token: string;
  session_id: string;
  seq: number;
}
