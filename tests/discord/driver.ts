/**
 * The test driver: starts a strict loopback Discord (REST + gateway on one port) and gives tests typed handles to
 * set up guilds, inject interactions and faults, drop gateway connections, and read back what the bot did.
 *
 * @example
 * const discord = await startFakeDiscord();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl } });
 * await client.login(discord.token);
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { ChannelType, GatewayDispatchEvents, OverwriteType } from 'discord-api-types/v10';
import type { APIApplicationCommand, APIChannel, APIGuildMember, APIMessage, APIRole, APIUser, Snowflake } from 'discord-api-types/v10';
import type { ServerCore, Timings } from './core.ts';
import { FaultInjector } from './faults.ts';
import type { ActiveFault, FaultSpec } from './faults.ts';
import { Gateway } from './gateway.ts';
import type { DropMode, GatewayStats } from './gateway.ts';
import { buildInteraction, isAnswered } from './interactions.ts';
import type { InteractionInput, InteractionRecord } from './interactions.ts';
import { ATTACHMENT_LIMITS, AttachmentStore } from './attachments.ts';
import type { AttachmentLimits, UploadedFile } from './attachments.ts';
import { DISCORD_LIMITS } from './limits.ts';
import type { MessageLimits } from './limits.ts';
import { DISCORD_RATE_LIMITS, RateLimiter } from './limiter.ts';
import type { RateLimitConfig } from './limiter.ts';
import { guildCreatePayload, guildPayload } from './payloads.ts';
import { handleRest } from './rest.ts';
import type { RequestLogEntry } from './rest.ts';
import { commandRoutes } from './routes-commands.ts';
import { coreRoutes } from './routes-core.ts';
import { interactionRoutes } from './routes-interactions.ts';
import { dispatchMessageEvent, messageRoutes } from './routes-messages.ts';
import { DiscordState } from './state.ts';
import type { GuildRecord } from './state.ts';
import { Violations } from './violations.ts';
import type { Violation } from './violations.ts';

/** Options of {@link startFakeDiscord}; every field has a Discord-like default. */
export interface FakeDiscordOptions {
  /** Bot token the server accepts (random by default). */
  token?: string;
  botName?: string;
  /** Gateway shards; guilds are routed with `(guild_id >> 22) % shardCount`. */
  shardCount?: number;
  /** HELLO heartbeat interval (default 41250 ms, like Discord). */
  heartbeatIntervalMs?: number;
  rateLimits?: Partial<RateLimitConfig>;
  timings?: Partial<Timings>;
  limits?: Partial<MessageLimits>;
  /** Upload limits (Discord: 10 files, 10 MiB each). */
  attachmentLimits?: Partial<AttachmentLimits>;
  /**
   * Record a `policy` violation for any message content sent without `allowed_mentions` (Discord accepts it;
   * this project's rule is that digest text can never ping anyone).
   */
  requireAllowedMentions?: boolean;
}

/** A member to create with {@link FakeDiscord.addMember}. */
export interface MemberInput {
  username?: string;
  /** Role ids to give (create roles with {@link FakeDiscord.addRole}). */
  roles?: Snowflake[];
  nick?: string | null;
  acceptsDms?: boolean;
}

/** Overwrite input: allow/deny bitfields for a role (or @everyone via the guild id) or a member. */
export interface OverwriteInput {
  id: Snowflake;
  type: 'role' | 'member';
  allow?: bigint;
  deny?: bigint;
}

/** The running fake Discord and its driver API. */
export interface FakeDiscord {
  /** REST base for discord.js: `new Client({ rest: { api: apiUrl } })` (discord.js appends `/v10`). */
  readonly apiUrl: string;
  /** Gateway URL returned by `GET /gateway/bot`. */
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: Snowflake;
  readonly botUserId: Snowflake;
  /** The default guild created at start, with the bot in it. */
  readonly guildId: Snowflake;
  /** A text channel in the default guild where the bot may post. */
  readonly channelId: Snowflake;
  /** Direct access for unusual setups; prefer the helpers. */
  readonly state: DiscordState;

  addGuild(input?: { name?: string; preferredLocale?: string; everyonePermissions?: bigint }): GuildRecord;
  addRole(guildId: Snowflake, input: { name: string; permissions: bigint }): APIRole;
  addChannel(guildId: Snowflake, input: { name: string; overwrites?: OverwriteInput[]; type?: ChannelType.GuildText | ChannelType.GuildAnnouncement }): APIChannel;
  /** Replaces a channel's overwrites (dispatches CHANNEL_UPDATE so the bot's cache follows). */
  setOverwrites(channelId: Snowflake, overwrites: OverwriteInput[]): void;
  /** Sets (or clears, with null) a guild's system channel; dispatches GUILD_UPDATE. */
  setSystemChannel(guildId: Snowflake, channelId: Snowflake | null): void;
  /** Creates a user and makes them a member of a guild. */
  addMember(guildId: Snowflake, input?: MemberInput): APIGuildMember & { user: APIUser };
  /** Creates a user who is in no guild (for DMs). */
  addUser(input?: { username?: string; acceptsDms?: boolean }): APIUser;
  /** Posts a message as a user (e.g. one a button should sit on is usually the bot's own, sent through REST). */
  postAsUser(channelId: Snowflake, userId: Snowflake, content: string): APIMessage;

  /** Injects an interaction and resolves when it is answered (or after `timeoutMs`, default interaction window + 1 s). */
  interact(input: InteractionInput, opts?: { timeoutMs?: number }): Promise<InteractionRecord>;
  /** Injects an interaction and returns its live record at once. */
  injectInteraction(input: InteractionInput): InteractionRecord;
  /** Waits until a record satisfies a predicate (default: answered). */
  waitFor(record: InteractionRecord, predicate?: (r: InteractionRecord) => boolean, timeoutMs?: number): Promise<InteractionRecord>;

  /** Messages visible in a channel, oldest first (ephemeral replies excluded). */
  messages(channelId: Snowflake): APIMessage[];
  /** Messages the bot sent in its DM channel with a user. */
  dms(userId: Snowflake): APIMessage[];
  /** Registered commands, global or of a guild. */
  commands(guildId?: Snowflake): APIApplicationCommand[];
  /** The uploaded file behind an attachment id (name, content type and bytes), for reading a file back. */
  attachment(id: Snowflake): UploadedFile | undefined;

  readonly faults: { inject(spec: FaultSpec): ActiveFault; clear(): void };
  /** Drops gateway connections of one shard (all when omitted); returns how many were dropped. */
  dropGateway(shard?: number, mode?: DropMode): number;
  /** Resolves once every shard has a live session (after READY/RESUMED). */
  waitForGateway(timeoutMs?: number): Promise<void>;
  /** Identify/resume/heartbeat counters per shard. */
  gatewayStats(shard?: number): GatewayStats;

  violations(): Violation[];
  clearViolations(): void;
  /** Every REST request received, in order. */
  readonly requests: RequestLogEntry[];
  /** 429s produced by the rate limiter (not by faults). */
  rateLimitHits(): number;
  close(): Promise<void>;
}

/** Starts a fake Discord on 127.0.0.1 with a random port, one guild, one channel and the bot as a member. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? `${Buffer.from(randomBytes(9)).toString('base64url')}.fake.${randomBytes(20).toString('base64url')}`;
  const shardCount = options.shardCount ?? 1;
  const state = new DiscordState(options.botName ?? 'digest-bot');
  const violations = new Violations();
  let port = 0;
  const gatewayUrl = (): string => `ws://127.0.0.1:${port}`;
  const gateway = new Gateway({ state, token, shardCount, heartbeatIntervalMs: options.heartbeatIntervalMs ?? 41_250, violations, url: gatewayUrl });
  const core: ServerCore = {
    state,
    gateway,
    violations,
    interactions: new Map(),
    timings: { interactionWindowMs: 3000, followupWindowMs: 15 * 60_000, nonceWindowMs: 5 * 60_000, ...options.timings },
    limits: { ...DISCORD_LIMITS, ...options.limits },
    requireAllowedMentions: options.requireAllowedMentions ?? false,
    attachments: new AttachmentStore(),
    attachmentLimits: { ...ATTACHMENT_LIMITS, ...options.attachmentLimits },
  };
  const limiter = new RateLimiter({ ...DISCORD_RATE_LIMITS, ...options.rateLimits });
  const faults = new FaultInjector();
  const requests: RequestLogEntry[] = [];
  const routes = [...coreRoutes(gatewayUrl, shardCount), ...messageRoutes(), ...commandRoutes(), ...interactionRoutes()];

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handleRest({ core, routes, token, limiter, faults, log: requests }, req, res).catch((error: unknown) => {
      violations.record('request', `unhandled: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  const guild = state.addGuild({ name: 'Test Guild' });
  state.addMember(guild.id, state.botUser.id);
  const channel = state.addChannel(guild.id, { name: 'general' });

  const toOverwrites = (input: OverwriteInput[]): Array<{ id: Snowflake; type: OverwriteType; allow: string; deny: string }> =>
    input.map((o) => ({ id: o.id, type: o.type === 'role' ? OverwriteType.Role : OverwriteType.Member, allow: (o.allow ?? 0n).toString(), deny: (o.deny ?? 0n).toString() }));

  const waitFor = (record: InteractionRecord, predicate: (r: InteractionRecord) => boolean = isAnswered, timeoutMs = core.timings.interactionWindowMs + 1000): Promise<InteractionRecord> =>
    new Promise((resolve) => {
      if (predicate(record)) return resolve(record);
      const done = (): void => {
        clearTimeout(timer);
        record.listeners.delete(check);
        resolve(record);
      };
      const check = (): void => {
        if (predicate(record)) done();
      };
      const timer = setTimeout(done, timeoutMs);
      record.listeners.add(check);
    });

  const injectInteraction = (input: InteractionInput): InteractionRecord => {
    const { payload, token: interactionToken, hiddenReason } = buildInteraction(state, input);
    const record: InteractionRecord = {
      id: payload.id, token: interactionToken, payload, createdAt: Date.now(), followups: [], refused: [], listeners: new Set(),
      ...(hiddenReason ? { hiddenReason } : {}),
    };
    core.interactions.set(record.id, record);
    const guildId = 'guild_id' in payload ? payload.guild_id : undefined;
    if (!gateway.dispatchForGuild(guildId, GatewayDispatchEvents.InteractionCreate, payload)) {
      throw new Error('fake discord: no gateway session to deliver the interaction to; is the bot logged in?');
    }
    return record;
  };

  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    gatewayUrl: gatewayUrl(),
    token,
    applicationId: state.applicationId,
    botUserId: state.botUser.id,
    guildId: guild.id,
    channelId: channel.id,
    state,

    addGuild(input = {}) {
      const created = state.addGuild(input);
      state.addMember(created.id, state.botUser.id);
      gateway.dispatchForGuild(created.id, GatewayDispatchEvents.GuildCreate, guildCreatePayload(state, created));
      return created;
    },
    addRole(guildId, input) {
      const role = state.addRole(guildId, input);
      gateway.dispatchForGuild(guildId, GatewayDispatchEvents.GuildRoleCreate, { guild_id: guildId, role });
      return role;
    },
    addChannel(guildId, input) {
      const created = state.addChannel(guildId, { name: input.name, ...(input.type ? { type: input.type } : {}), overwrites: toOverwrites(input.overwrites ?? []) });
      gateway.dispatchForGuild(guildId, GatewayDispatchEvents.ChannelCreate, created);
      return created;
    },
    setOverwrites(channelId, overwrites) {
      const target = state.channels.get(channelId);
      if (!target || !('permission_overwrites' in target)) throw new Error(`fake discord: no guild channel ${channelId}`);
      (target as { permission_overwrites: unknown }).permission_overwrites = toOverwrites(overwrites);
      gateway.dispatchForGuild(target.guild_id, GatewayDispatchEvents.ChannelUpdate, target);
    },
    setSystemChannel(guildId, channelId) {
      const target = state.requireGuild(guildId);
      if (channelId !== null && !target.channelIds.has(channelId)) throw new Error(`fake discord: channel ${channelId} is not in guild ${guildId}`);
      target.systemChannelId = channelId;
      gateway.dispatchForGuild(guildId, GatewayDispatchEvents.GuildUpdate, guildPayload(target));
    },
    addMember(guildId, input = {}) {
      const user = state.addUser({ ...(input.username ? { username: input.username } : {}), ...(input.acceptsDms === undefined ? {} : { acceptsDms: input.acceptsDms }) });
      const member = state.addMember(guildId, user.id, input.roles ?? [], input.nick ?? null);
      gateway.dispatchForGuild(guildId, GatewayDispatchEvents.GuildMemberAdd, { ...member, guild_id: guildId });
      return member as APIGuildMember & { user: APIUser };
    },
    addUser(input = {}) {
      return state.addUser(input);
    },
    postAsUser(channelId, userId, content) {
      const author = state.users.get(userId)?.user;
      if (!author) throw new Error(`fake discord: no user ${userId}`);
      const message: APIMessage = {
        id: state.nextId(), channel_id: channelId, author, content, timestamp: new Date().toISOString(), edited_timestamp: null,
        tts: false, mention_everyone: false, mentions: [], mention_roles: [], attachments: [], embeds: [], pinned: false, type: 0,
      };
      state.storeMessage(message);
      dispatchMessageEvent(core, GatewayDispatchEvents.MessageCreate, message);
      return message;
    },

    async interact(input, opts = {}) {
      return waitFor(injectInteraction(input), isAnswered, opts.timeoutMs);
    },
    injectInteraction,
    waitFor,

    messages(channelId) {
      return [...(state.messages.get(channelId) ?? [])];
    },
    attachment(id) {
      return core.attachments.get(id);
    },
    dms(userId) {
      const id = state.dmChannels.get(userId);
      return id ? [...(state.messages.get(id) ?? [])] : [];
    },
    commands(guildId) {
      return [...(state.commands.get(guildId ?? 'global') ?? [])];
    },

    faults: { inject: (spec) => faults.inject(spec), clear: () => faults.clear() },
    dropGateway(shard, mode = 'close-4000') {
      return gateway.drop(shard, mode);
    },
    waitForGateway(timeoutMs) {
      return gateway.waitUntilConnected(timeoutMs);
    },
    gatewayStats(shard = 0) {
      return { ...(gateway.stats.get(shard) ?? { identifies: 0, resumes: 0, heartbeats: 0 }) };
    },

    violations: () => violations.all(),
    clearViolations: () => violations.clear(),
    requests,
    rateLimitHits: () => limiter.hits,
    async close() {
      await gateway.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

export { ChannelType };
