/**
 * `/digest weekly on|off` (belongs to commands/digest.ts; the loader skips `_` files): a weekly post of the papers
 * most saved in this server, in a chosen channel, on a weekday and hour of the server's time zone.
 */
import type { ChatInputCommandInteraction, GuildBasedChannel } from 'discord.js';
import type { CommandContext } from '../src/interactions/command.ts';
import { UserError } from '../src/interactions/errors.ts';
import { missingPostPermissions } from '../src/interactions/permissions.ts';
import { currentSlot } from '../src/jobs/weekly.ts';
import { isTimeZone } from '../src/jobs/weekly-schedule.ts';
import { pickLocale } from '../src/i18n/index.ts';

/** Weekday choices (value = `Date.getDay`). */
export const WEEKDAYS = [
  { en: 'Monday', zh: '星期一', value: 1 },
  { en: 'Tuesday', zh: '星期二', value: 2 },
  { en: 'Wednesday', zh: '星期三', value: 3 },
  { en: 'Thursday', zh: '星期四', value: 4 },
  { en: 'Friday', zh: '星期五', value: 5 },
  { en: 'Saturday', zh: '星期六', value: 6 },
  { en: 'Sunday', zh: '星期日', value: 0 },
];

/** `/digest weekly on channel: [day] [hour] [timezone]`. */
export async function weeklyOn(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const channel = interaction.options.getChannel('channel', true);
  const weekday = interaction.options.getInteger('day') ?? 1;
  const hour = interaction.options.getInteger('hour') ?? 9;
  const timeZone = (interaction.options.getString('timezone') ?? 'UTC').trim();
  if (!isTimeZone(timeZone)) throw new UserError('digest.weekly.badTimeZone', { zone: timeZone.slice(0, 60) });
  const missing = missingPostPermissions(channel as GuildBasedChannel, interaction.guild.members.me, false);
  if (missing.length) throw new UserError('digest.channel.missingPermissions', { channel: `<#${channel.id}>`, permissions: missing.join(', ') });
  const now = ctx.app.now();
  const slot = { weekday, hour, timeZone };
  await ctx.app.stores.weekly.put({
    guildId: interaction.guildId,
    channelId: channel.id,
    ...slot,
    locale: pickLocale(interaction.guildLocale),
    // From the next slot on: turning it on never posts a week that has already gone by.
    lastPlannedFor: currentSlot(slot, now).toISOString(),
    addedBy: interaction.user.id,
    addedAt: now.toISOString(),
  });
  const day = WEEKDAYS.find((d) => d.value === weekday);
  await ctx.respond({
    content: ctx.t('digest.weekly.on', { channel: `<#${channel.id}>`, day: (ctx.locale === 'zh-CN' ? day?.zh : day?.en) ?? String(weekday), hour: String(hour).padStart(2, '0'), zone: timeZone }),
    ephemeral: true,
  });
}

/** `/digest weekly off`. */
export async function weeklyOff(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const removed = await ctx.app.stores.weekly.remove(interaction.guildId);
  await ctx.respond({ content: ctx.t(removed ? 'digest.weekly.off' : 'digest.weekly.wasOff'), ephemeral: true });
}
