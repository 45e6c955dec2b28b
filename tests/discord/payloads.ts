/**
 * Wire payloads built from the state: READY, GUILD_CREATE, and the REST shapes of guilds and messages.
 * discord.js fills its caches from these, so they carry every field its structures read.
 */
import { GatewayDispatchEvents, GuildDefaultMessageNotifications, GuildExplicitContentFilter, GuildMFALevel, GuildNSFWLevel, GuildPremiumTier, GuildVerificationLevel, MessageType } from 'discord-api-types/v10';
import type { APIAttachment, APIEmbed, ApplicationFlags, APIGuild, APIMessage, APIUser, GatewayGuildCreateDispatchData, GatewayReadyDispatchData, Snowflake, GuildSystemChannelFlags, Locale } from 'discord-api-types/v10';
import type { DiscordState, GuildRecord } from './state.ts';

/** The REST shape of a guild (GET /guilds/{id}). */
export function guildPayload(guild: GuildRecord): APIGuild {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    region: 'us-west',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [...guild.roles.values()],
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: guild.systemChannelId,
    system_channel_flags: 0 as GuildSystemChannelFlags,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: guild.preferredLocale as Locale,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    stickers: [],
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    incidents_data: null,
  };
}

/** GUILD_CREATE: the guild with its channels, threads, roles and members. */
export function guildCreatePayload(state: DiscordState, guild: GuildRecord): GatewayGuildCreateDispatchData {
  const channels = [...guild.channelIds].map((id) => state.channels.get(id)).filter((c) => c !== undefined);
  const isThread = (c: { type: number }): boolean => c.type === 10 || c.type === 11 || c.type === 12;
  return {
    ...guildPayload(guild),
    joined_at: guild.createdAt,
    large: false,
    unavailable: false,
    member_count: guild.members.size,
    voice_states: [],
    members: [...guild.members.values()],
    channels: channels.filter((c) => !isThread(c)),
    threads: channels.filter(isThread),
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  } as GatewayGuildCreateDispatchData;
}

/** READY for one shard: its guilds listed as unavailable, each followed by a GUILD_CREATE. */
export function readyPayload(state: DiscordState, input: { sessionId: string; resumeUrl: string; shard: [number, number]; guildIds: Snowflake[] }): GatewayReadyDispatchData {
  return {
    v: 10,
    user: state.botUser,
    guilds: input.guildIds.map((id) => ({ id, unavailable: true })),
    session_id: input.sessionId,
    resume_gateway_url: input.resumeUrl,
    shard: input.shard,
    application: { id: state.applicationId, flags: 0 as ApplicationFlags, flags_new: '0' },
  };
}

/** A message authored by `author`, in the REST shape. */
export function messagePayload(state: DiscordState, input: {
  channelId: Snowflake;
  author: APIUser;
  body: Record<string, unknown>;
  type?: MessageType;
  webhookId?: Snowflake;
  nonce?: string | number;
  /** The message's files, resolved from the upload (see attachments.ts). */
  attachments?: APIAttachment[];
}): APIMessage {
  const body = input.body;
  const embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]).map((e) => ({ type: 'rich', ...e }) as APIEmbed) : [];
  const message: APIMessage = {
    id: state.nextId(),
    channel_id: input.channelId,
    author: input.author,
    content: typeof body.content === 'string' ? body.content : '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: body.tts === true,
    ...resolveMentions(state, typeof body.content === 'string' ? body.content : '', body.allowed_mentions as AllowedMentions | undefined),
    attachments: input.attachments ?? [],
    embeds,
    pinned: false,
    type: input.type ?? MessageType.Default,
    flags: typeof body.flags === 'number' ? body.flags : 0,
    components: Array.isArray(body.components) ? (body.components as APIMessage['components']) : [],
  };
  if (input.nonce !== undefined) message.nonce = input.nonce;
  if (input.webhookId) message.webhook_id = input.webhookId;
  return message;
}

interface AllowedMentions {
  parse?: Array<'users' | 'roles' | 'everyone'>;
  users?: Snowflake[];
  roles?: Snowflake[];
}

/**
 * Who a message pings, as Discord fills `mentions`, `mention_roles` and `mention_everyone`: the mentions in the
 * content that `allowed_mentions` lets through (everything when it is absent). Tests read these to check that a
 * message pings exactly whom it should.
 */
export function resolveMentions(
  state: DiscordState,
  content: string,
  allowed: AllowedMentions | undefined,
): Pick<APIMessage, 'mentions' | 'mention_roles' | 'mention_everyone'> {
  const parse = allowed ? (allowed.parse ?? []) : ['users', 'roles', 'everyone'];
  const userOk = (id: string): boolean => parse.includes('users') || (allowed?.users ?? []).includes(id);
  const roleOk = (id: string): boolean => parse.includes('roles') || (allowed?.roles ?? []).includes(id);
  const userIds = [...new Set([...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1] as string))];
  const roleIds = [...new Set([...content.matchAll(/<@&(\d{17,20})>/g)].map((m) => m[1] as string))];
  const knownRole = (id: string): boolean => [...state.guilds.values()].some((g) => g.roles.has(id));
  return {
    mentions: userIds.filter(userOk).flatMap((id) => {
      const user = state.users.get(id)?.user;
      return user ? [user] : [];
    }),
    mention_roles: roleIds.filter((id) => roleOk(id) && knownRole(id)),
    mention_everyone: parse.includes('everyone') && /@(everyone|here)\b/.test(content),
  };
}

/** Applies an edit body to a stored message (only the fields present change, as on Discord). */
export function applyEdit(message: APIMessage, body: Record<string, unknown>, attachments?: APIAttachment[]): APIMessage {
  if (attachments) message.attachments = attachments;
  if ('content' in body) message.content = typeof body.content === 'string' ? body.content : '';
  if ('embeds' in body) message.embeds = Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]).map((e) => ({ type: 'rich', ...e }) as APIEmbed) : [];
  if ('components' in body) message.components = Array.isArray(body.components) ? (body.components as APIMessage['components']) : [];
  if (typeof body.flags === 'number') message.flags = body.flags;
  message.edited_timestamp = new Date().toISOString();
  return message;
}

/** Gateway event names used by the server. */
export const Dispatch = GatewayDispatchEvents;
