/**
 * What a refusal means. The publisher only reports that a target refuses its messages (403/404: access lost, a
 * channel deleted, DMs closed); this policy decides what follows, so that rule lives with the job and not in the
 * transport:
 * - a digest channel is counted against; after `disableAfter` refusals in a row it is switched off, its queued
 *   posts are given up and the server is told once (a re-add with `/digest channel add` turns it back on);
 * - a channel that only has subscriptions gets them paused, and the server is told;
 * - a user whose DMs are closed gets their subscriptions in that server paused, and is told in the server.
 */
import type { DiscordPort } from '../discord/discord-port.ts';
import { describeFailure } from '../discord/discord-port.ts';
import type { Refusal, RefusalDecision, RefusalPolicy } from '../discord/publisher.ts';
import { pickLocale, translator, type MessageKey } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { Stores } from '../store/index.ts';

/** What the policy needs: the repositories it changes, the Discord calls it tells servers with, and the clock. */
export interface RefusalPolicyDeps {
  stores: Pick<Stores, 'channels' | 'subscriptions'>;
  discord: Pick<DiscordPort, 'systemChannel' | 'createMessage'>;
  log: Logger;
  now: () => Date;
}

/** Policy settings. */
export interface RefusalPolicyOptions {
  /** Consecutive refusals after which a digest channel is switched off (default 3). */
  disableAfter?: number;
}

/** Creates the policy the publisher consults on every refusal. */
export function createRefusalPolicy(deps: RefusalPolicyDeps, options: RefusalPolicyOptions = {}): RefusalPolicy {
  const disableAfter = options.disableAfter ?? 3;
  const { stores, discord, log, now } = deps;

  async function userRefused(userId: string, guildId: string, reason: string): Promise<RefusalDecision> {
    // DMs closed: give up on these messages, pause the user's subscriptions (so we stop trying) and say so once.
    let paused = 0;
    for (const sub of await stores.subscriptions.listByUser(userId)) {
      if (sub.paused || sub.guildId !== guildId) continue;
      await stores.subscriptions.update(sub.id, (s) => ({ ...s, paused: { reason: `cannot DM: ${reason}`, since: now().toISOString() } }));
      paused += 1;
    }
    if (paused) {
      log.warn({ user: userId, guild: guildId, reason, paused }, 'user cannot be DMed; subscriptions paused');
      await tellUser(guildId, userId);
    }
    return { giveUp: true, problems: [{ key: 'problem.dmRefused', guildId, userId, params: { reason } }] };
  }

  async function subscriptionChannelRefused(channelId: string, guildId: string, reason: string): Promise<RefusalDecision> {
    // Not a digest channel: a subscription's. Pause the channel's subscriptions so we stop trying, and say so once.
    let paused = 0;
    for (const sub of await stores.subscriptions.listByChannel(channelId)) {
      if (sub.paused) continue;
      await stores.subscriptions.update(sub.id, (x) => ({ ...x, paused: { reason, since: now().toISOString() } }));
      paused += 1;
    }
    if (paused) await tellGuild(guildId, channelId, reason, 'subscribe.channelPaused');
    return { giveUp: true, problems: [{ key: 'problem.subscriptionChannelRefused', guildId, channelId, params: { reason } }] };
  }

  async function digestChannelRefused(channelId: string, guildId: string, reason: string): Promise<RefusalDecision> {
    const updated = await stores.channels.update(channelId, (c) => ({ ...c, failures: c.failures + 1 }));
    if (!updated) return subscriptionChannelRefused(channelId, guildId, reason);
    if (updated.failures < disableAfter) {
      return {
        giveUp: false,
        problems: [{ key: 'problem.channelRefused', guildId: updated.guildId, channelId, params: { reason, attempt: updated.failures, limit: disableAfter } }],
      };
    }
    if (!updated.disabled) {
      await stores.channels.update(channelId, (c) => ({ ...c, disabled: { reason, since: now().toISOString() } }));
      log.error({ channel: channelId, guild: updated.guildId, reason }, 'channel delivery switched off after repeated refusals');
      await tellGuild(updated.guildId, channelId, reason, 'digest.channel.disabledNotice');
    }
    return { giveUp: true, problems: [{ key: 'problem.channelSwitchedOff', guildId: updated.guildId, channelId, params: { reason } }] };
  }

  /** Tells the server's admins, in its system channel and language; best effort (the status shows it too). */
  async function tellGuild(guildId: string, channelId: string, reason: string, key: MessageKey): Promise<void> {
    try {
      const system = await discord.systemChannel(guildId);
      if (!system || system.channelId === channelId) return;
      const t = translator(pickLocale(system.locale));
      await discord.createMessage(system.channelId, {
        content: `⚠️ ${t(key, { channel: `<#${channelId}>`, reason: reason.replace(/[`*_~|<>@]/g, '') })}`,
        allowed_mentions: { parse: [] },
      });
    } catch (error) {
      log.info({ guild: guildId, reason: describeFailure(error) }, 'could not tell the server about a disabled channel');
    }
  }

  async function tellUser(guildId: string, userId: string): Promise<void> {
    try {
      const system = await discord.systemChannel(guildId);
      if (!system) return;
      const t = translator(pickLocale(system.locale));
      await discord.createMessage(system.channelId, {
        content: t('subscribe.dmClosed', { user: `<@${userId}>` }),
        // Ping exactly this user, nobody else.
        allowed_mentions: { parse: [], users: [userId] },
      });
    } catch (error) {
      log.info({ guild: guildId, reason: describeFailure(error) }, 'could not tell the server about a paused subscription');
    }
  }

  return {
    onRefused({ target, reason }: Refusal) {
      return target.kind === 'user'
        ? userRefused(target.userId, target.guildId, reason)
        : digestChannelRefused(target.channelId, target.guildId, reason);
    },
  };
}
