/**
 * Everything the fake Discord knows: users, guilds, roles, members, channels, messages and registered commands.
 * Objects are stored in their wire shape (discord-api-types) so REST answers and gateway payloads are copies of them.
 */
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { GuildMemberFlags, RoleFlags } from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIChannel,
  APIGuildMember,
  APIMessage,
  APIOverwrite,
  APIRole,
  APIUser,
  Snowflake,
} from 'discord-api-types/v10';
import { snowflakeGenerator } from './snowflake.ts';

/** A guild as the server keeps it; channels and members live in their own maps. */
export interface GuildRecord {
  id: Snowflake;
  name: string;
  ownerId: Snowflake;
  preferredLocale: string;
  /** Where Discord posts system messages (and bots tell admins about problems); null when unset. */
  systemChannelId: Snowflake | null;
  roles: Map<Snowflake, APIRole>;
  members: Map<Snowflake, APIGuildMember>;
  channelIds: Set<Snowflake>;
  createdAt: string;
}

/** A user plus the server-side switches tests can flip. */
export interface UserRecord {
  user: APIUser;
  /** When false, the bot's DMs to this user fail with 403 50007 (as when a user closes DMs). */
  acceptsDms: boolean;
}

/** A nonce seen in a channel, kept for `enforce_nonce` deduplication. */
interface NonceEntry {
  messageId: Snowflake;
  at: number;
}

/** The whole in-memory world of one fake Discord. */
export class DiscordState {
  /** Makes new ids; shared so ids stay unique across kinds, as on Discord. */
  readonly nextId = snowflakeGenerator();
  readonly users = new Map<Snowflake, UserRecord>();
  readonly guilds = new Map<Snowflake, GuildRecord>();
  readonly channels = new Map<Snowflake, APIChannel>();
  /** Messages per channel, oldest first. Ephemeral interaction replies are not stored here. */
  readonly messages = new Map<Snowflake, APIMessage[]>();
  /** Registered commands: key `global` or a guild id. */
  readonly commands = new Map<string, APIApplicationCommand[]>();
  /** DM channel id per recipient user id. */
  readonly dmChannels = new Map<Snowflake, Snowflake>();
  private readonly nonces = new Map<string, NonceEntry>();
  /**
   * Ephemeral interaction replies by id: not in any channel (no REST route can read them), but their buttons and
   * menus can still be used by the one user who sees them, so component interactions must find them.
   */
  private readonly ephemeral = new Map<Snowflake, APIMessage>();

  readonly botUser: APIUser;
  readonly applicationId: Snowflake;

  constructor(botName: string) {
    this.applicationId = this.nextId();
    // Discord bots usually share their id with their application; keep that so mentions and ids line up.
    this.botUser = { id: this.applicationId, username: botName, discriminator: '0000', global_name: null, avatar: null, bot: true };
    this.users.set(this.botUser.id, { user: this.botUser, acceptsDms: false });
  }

  /** Adds a human user. */
  addUser(input: { id?: Snowflake; username?: string; acceptsDms?: boolean } = {}): APIUser {
    const id = input.id ?? this.nextId();
    const user: APIUser = { id, username: input.username ?? `user${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null };
    this.users.set(id, { user, acceptsDms: input.acceptsDms ?? true });
    return user;
  }

  /** Creates a guild with its @everyone role and the bot as a member. */
  addGuild(input: { id?: Snowflake; name?: string; ownerId?: Snowflake; preferredLocale?: string; everyonePermissions?: bigint }): GuildRecord {
    const id = input.id ?? this.nextId();
    const guild: GuildRecord = {
      id,
      name: input.name ?? `guild ${id.slice(-4)}`,
      ownerId: input.ownerId ?? this.addUser({ username: 'owner' }).id,
      preferredLocale: input.preferredLocale ?? 'en-US',
      systemChannelId: null,
      roles: new Map(),
      members: new Map(),
      channelIds: new Set(),
      createdAt: new Date().toISOString(),
    };
    this.guilds.set(id, guild);
    // The @everyone role shares the guild's id, exactly as on Discord.
    guild.roles.set(id, role(id, '@everyone', input.everyonePermissions ?? DEFAULT_EVERYONE_PERMISSIONS, 0));
    return guild;
  }

  /** Adds a role to a guild. */
  addRole(guildId: Snowflake, input: { name: string; permissions: bigint; id?: Snowflake }): APIRole {
    const guild = this.requireGuild(guildId);
    const created = role(input.id ?? this.nextId(), input.name, input.permissions, guild.roles.size);
    guild.roles.set(created.id, created);
    return created;
  }

  /** Makes a user a member of a guild with the given roles. */
  addMember(guildId: Snowflake, userId: Snowflake, roles: Snowflake[] = [], nick: string | null = null): APIGuildMember {
    const guild = this.requireGuild(guildId);
    const user = this.users.get(userId)?.user;
    if (!user) throw new Error(`fake discord: no user ${userId}; add it first`);
    const member: APIGuildMember = {
      user,
      nick,
      avatar: null,
      banner: null,
      roles,
      joined_at: new Date().toISOString(),
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
    guild.members.set(userId, member);
    return member;
  }

  /** Adds a text channel (or category/announcement channel) to a guild. */
  addChannel(guildId: Snowflake, input: { name: string; type?: ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.GuildCategory; id?: Snowflake; parentId?: Snowflake | null; overwrites?: APIOverwrite[] }): APIChannel {
    const guild = this.requireGuild(guildId);
    const id = input.id ?? this.nextId();
    const channel = {
      id,
      type: input.type ?? ChannelType.GuildText,
      guild_id: guildId,
      name: input.name,
      position: guild.channelIds.size,
      permission_overwrites: input.overwrites ?? [],
      parent_id: input.parentId ?? null,
      topic: null,
      nsfw: false,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    } as unknown as APIChannel;
    this.channels.set(id, channel);
    guild.channelIds.add(id);
    return channel;
  }

  /** Adds a thread under a guild text channel; its id may be the id of the message it starts from. */
  addThread(parent: APIChannel, input: { id: Snowflake; name: string; type: ChannelType.PublicThread | ChannelType.PrivateThread; ownerId: Snowflake; autoArchiveDuration: number }): APIChannel {
    if (!('guild_id' in parent) || !parent.guild_id) throw new Error('threads need a guild channel');
    const thread = {
      id: input.id,
      type: input.type,
      guild_id: parent.guild_id,
      name: input.name,
      parent_id: parent.id,
      owner_id: input.ownerId,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      flags: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: input.autoArchiveDuration,
        archive_timestamp: new Date().toISOString(),
        locked: false,
        create_timestamp: new Date().toISOString(),
      },
    } as unknown as APIChannel;
    this.channels.set(thread.id, thread);
    this.guilds.get(parent.guild_id)?.channelIds.add(thread.id);
    return thread;
  }

  /** The DM channel with a user, created on first use as Discord does. */
  dmChannelFor(userId: Snowflake): APIChannel {
    const existing = this.dmChannels.get(userId);
    if (existing) return this.channels.get(existing)!;
    const user = this.users.get(userId)?.user;
    if (!user) throw new Error(`fake discord: no user ${userId}`);
    const channel = { id: this.nextId(), type: ChannelType.DM, recipients: [user], last_message_id: null, flags: 0 } as unknown as APIChannel;
    this.channels.set(channel.id, channel);
    this.dmChannels.set(userId, channel.id);
    return channel;
  }

  /** The guild of a channel, if it is a guild channel. */
  guildOf(channel: APIChannel): GuildRecord | undefined {
    return 'guild_id' in channel && channel.guild_id ? this.guilds.get(channel.guild_id) : undefined;
  }

  /** Stores a message and bumps the channel's `last_message_id`. */
  storeMessage(message: APIMessage): void {
    const list = this.messages.get(message.channel_id) ?? [];
    list.push(message);
    this.messages.set(message.channel_id, list);
    const channel = this.channels.get(message.channel_id);
    if (channel && 'last_message_id' in channel) (channel as { last_message_id: string | null }).last_message_id = message.id;
  }

  /** Finds a stored message by channel and id. */
  findMessage(channelId: Snowflake, messageId: Snowflake): APIMessage | undefined {
    return this.messages.get(channelId)?.find((m) => m.id === messageId);
  }

  /** Remembers an ephemeral reply so components on it can be used (the same object, so edits show). */
  rememberEphemeral(message: APIMessage): void {
    this.ephemeral.set(message.id, message);
  }

  /** An ephemeral reply in this channel, by id. */
  findEphemeral(channelId: Snowflake, messageId: Snowflake): APIMessage | undefined {
    const message = this.ephemeral.get(messageId);
    return message?.channel_id === channelId ? message : undefined;
  }

  /** Removes a stored message; false when there was none. */
  deleteMessage(channelId: Snowflake, messageId: Snowflake): boolean {
    const list = this.messages.get(channelId);
    const index = list?.findIndex((m) => m.id === messageId) ?? -1;
    if (!list || index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** The message id previously created with this nonce in this channel within `windowMs`, if any. */
  nonceHit(channelId: Snowflake, nonce: string, windowMs: number, now: number): Snowflake | undefined {
    const entry = this.nonces.get(`${channelId}:${nonce}`);
    return entry && now - entry.at <= windowMs ? entry.messageId : undefined;
  }

  /** Remembers a nonce for deduplication. */
  rememberNonce(channelId: Snowflake, nonce: string, messageId: Snowflake, now: number): void {
    this.nonces.set(`${channelId}:${nonce}`, { messageId, at: now });
  }

  /** A guild or a clear error for the test author. */
  requireGuild(guildId: Snowflake): GuildRecord {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`fake discord: no guild ${guildId}`);
    return guild;
  }
}

/** What @everyone may do in a fresh test guild: see, post, embed, attach files, read history, use commands and threads. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory | PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.CreatePublicThreads | PermissionFlagsBits.CreatePrivateThreads | PermissionFlagsBits.SendMessagesInThreads;

function role(id: Snowflake, name: string, permissions: bigint, position: number): APIRole {
  return {
    id,
    name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissions.toString(),
    managed: false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}
