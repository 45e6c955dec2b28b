/**
 * The few Discord REST calls delivery needs, behind a small interface: the real one over @discordjs/rest (which
 * queues per rate-limit bucket and waits out 429s by itself), and an in-memory one for unit tests.
 */
import { DiscordAPIError, HTTPError, Routes, type REST, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';

/** Discord REST operations used by the publisher. */
export interface DiscordPort {
  /** Creates a message; with a nonce, Discord returns the existing message instead of a duplicate. */
  createMessage(channelId: string, body: RESTPostAPIChannelMessageJSONBody, nonce?: string): Promise<{ id: string }>;
  /** The DM channel with a user (created if needed). */
  openDm(userId: string): Promise<string>;
  /** Starts a thread on a message and returns its id; a thread that already exists is returned as it is. */
  startThread(channelId: string, messageId: string, name: string): Promise<string>;
  /** The guild's system channel, if it has one (where the bot tells admins about problems), and its language. */
  systemChannel(guildId: string): Promise<{ channelId: string; locale: string } | null>;
}

/** How a failed Discord call should be treated. */
export type FailureKind =
  /** The target refuses us (missing permission or access, unknown channel, user's DMs closed): stop trying it. */
  | 'target'
  /** The request itself is wrong (400): retrying cannot help. */
  | 'request'
  /** Outage, network error, rate limit we could not wait out: retry later. */
  | 'transient';

/** Discord error codes that mean the target will keep refusing. */
const TARGET_CODES = new Set([10003, 10013, 50001, 50013, 50007, 50278]);

/** Classifies an error thrown by a {@link DiscordPort} call. */
export function classifyFailure(error: unknown): FailureKind {
  if (error instanceof DiscordAPIError) {
    // Unknown Message (a thread's header deleted): that message's fault, not the channel's.
    if (error.code === 10008) return 'request';
    if (typeof error.code === 'number' && TARGET_CODES.has(error.code)) return 'target';
    if (error.status === 403 || error.status === 404) return 'target';
    if (error.status === 429 || error.status >= 500) return 'transient';
    return 'request';
  }
  if (error instanceof HTTPError) return 'transient';
  return 'transient';
}

/** A short, log- and user-safe description of a Discord failure (`50013 Missing Permissions`). */
export function describeFailure(error: unknown): string {
  if (error instanceof DiscordAPIError) return `${error.code} ${error.message}`.slice(0, 300);
  if (error instanceof HTTPError) return `HTTP ${error.status} ${error.message}`.slice(0, 300);
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** The real port over a REST client (`new REST({ api }).setToken(token)` or `client.rest`). */
export function restDiscordPort(rest: REST): DiscordPort {
  return {
    async createMessage(channelId, body, nonce) {
      const payload = nonce ? { ...body, nonce, enforce_nonce: true } : body;
      const message = (await rest.post(Routes.channelMessages(channelId), { body: payload })) as { id: string };
      return { id: message.id };
    },
    async openDm(userId) {
      const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
      return channel.id;
    },
    async startThread(channelId, messageId, name) {
      try {
        const thread = (await rest.post(Routes.threads(channelId, messageId), { body: { name, auto_archive_duration: 1440 } })) as { id: string };
        return thread.id;
      } catch (error) {
        // 160004: a thread was already created for this message (a retry after a crash); its id is the message's.
        if (error instanceof DiscordAPIError && error.code === 160004) return messageId;
        throw error;
      }
    },
    async systemChannel(guildId) {
      const guild = (await rest.get(Routes.guild(guildId))) as { system_channel_id?: string | null; preferred_locale?: string };
      return guild.system_channel_id ? { channelId: guild.system_channel_id, locale: guild.preferred_locale ?? 'en-US' } : null;
    },
  };
}

/** A message the in-memory port received. */
export interface SentMessage {
  id: string;
  channelId: string;
  body: RESTPostAPIChannelMessageJSONBody;
  nonce: string | undefined;
}

/** In-memory port for unit tests: records messages, dedups nonces like Discord, and can be told to fail. */
export function memoryDiscordPort(): DiscordPort & {
  sent: SentMessage[];
  /** Makes calls for `channelId` throw `error` (until cleared with `undefined`). */
  failChannel(channelId: string, error: Error | undefined): void;
} {
  const sent: SentMessage[] = [];
  const failures = new Map<string, Error>();
  let next = 1000;
  return {
    sent,
    failChannel(channelId, error) {
      if (error) failures.set(channelId, error);
      else failures.delete(channelId);
    },
    async createMessage(channelId, body, nonce) {
      const failure = failures.get(channelId);
      if (failure) throw failure;
      const existing = nonce ? sent.find((m) => m.channelId === channelId && m.nonce === nonce) : undefined;
      if (existing) return { id: existing.id };
      const message = { id: String(next++), channelId, body, nonce };
      sent.push(message);
      return { id: message.id };
    },
    async openDm(userId) {
      return `dm-${userId}`;
    },
    async startThread(_channelId, messageId) {
      return messageId;
    },
    async systemChannel() {
      return null;
    },
  };
}
