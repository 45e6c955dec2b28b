/**
 * `/digest` — administration (Manage Server): status, a manual run, and which channels get the daily digests.
 */
import {
  ChannelType,
  EmbedBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
} from 'discord.js';
import type { ChannelMode } from '../src/app.ts';
import type { Command, CommandContext } from '../src/interactions/command.ts';
import { UserError } from '../src/interactions/errors.ts';
import { localize } from '../src/interactions/localize.ts';
import { pickLocale, type Translate } from '../src/i18n/index.ts';
import type { SourceStatus } from '../src/sources/index.ts';
import { problemsOf, problemText, type Problem } from '../src/i18n/problems.ts';
import { addDigestChannel } from '../src/jobs/channels.ts';
import { missingPostPermissions } from '../src/interactions/permissions.ts';
import { WEEKDAYS, weeklyOff, weeklyOn } from './_weekly.ts';

const MODES: { value: ChannelMode; en: string; zh: string }[] = [
  { value: 'embeds', en: 'embeds: one card per paper (default)', zh: 'embeds：每篇论文一张卡片（默认）' },
  { value: 'compact', en: 'compact: a numbered list of linked titles', zh: 'compact：带链接的标题编号列表' },
  { value: 'thread', en: 'thread: a header message, the papers in a thread', zh: 'thread：一条标题消息，论文放在子区中' },
];

const data = localize(new SlashCommandBuilder(), 'digest', '日报', {
  en: 'Daily digest administration: status, manual run, channels',
  zh: '日报管理：状态、手动运行、频道',
})
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    localize(s, 'status', '状态', { en: 'Store, papers, last digest, next run and channels', zh: '存储、论文数、最近日报、下次运行和频道' }),
  )
  .addSubcommand((s) =>
    localize(s, 'run', '运行', { en: 'Fetch and ingest new digests now, and deliver everything due', zh: '立即获取并导入新日报，并发送所有待发内容' }),
  )
  .addSubcommandGroup((g) =>
    localize(g, 'channel', '频道', { en: 'Channels that receive the daily digest', zh: '接收每日日报的频道' })
      .addSubcommand((s) =>
        localize(s, 'add', '添加', { en: 'Post the daily digest in a channel', zh: '在某频道发布每日日报' })
          .addChannelOption((o) =>
            localize(o, 'channel', '频道', { en: 'Where to post', zh: '发布到哪个频道' })
              .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement)
              .setRequired(true),
          )
          .addStringOption((o) =>
            localize(o, 'sources', '来源', {
              en: 'Sources to follow, comma-separated: arxiv, biorxiv, medrxiv (default: all)',
              zh: '要关注的来源，逗号分隔：arxiv、biorxiv、medrxiv（默认全部）',
            }).setMaxLength(100),
          )
          .addStringOption((o) =>
            localize(o, 'mode', '模式', { en: 'How papers are shown (default: embeds)', zh: '论文的展示方式（默认 embeds）' }).addChoices(
              ...MODES.map((m) => ({ name: m.en, value: m.value, name_localizations: { 'zh-CN': m.zh } })),
            ),
          )
          .addBooleanOption((o) =>
            localize(o, 'notices', '通知', {
              en: 'Also post a one-line notice on days without papers (default: no)',
              zh: '无论文的日子也发一行通知（默认否）',
            }),
          ),
      )
      .addSubcommand((s) =>
        localize(s, 'remove', '移除', { en: 'Stop posting the digest in a channel', zh: '停止在某频道发布日报' }).addChannelOption((o) =>
          localize(o, 'channel', '频道', { en: 'The channel to stop', zh: '要停止的频道' }).setRequired(true),
        ),
      )
      .addSubcommand((s) => localize(s, 'list', '列表', { en: 'Channels that receive the digest', zh: '接收日报的频道' })),
  )
  .addSubcommandGroup((g) =>
    localize(g, 'weekly', '每周', { en: "A weekly post of this server's most-saved papers", zh: '每周发布本服务器收藏最多的论文' })
      .addSubcommand((s) =>
        localize(s, 'on', '开启', { en: 'Post the most-saved papers once a week in a channel', zh: '每周在某频道发布收藏最多的论文' })
          .addChannelOption((o) =>
            localize(o, 'channel', '频道', { en: 'Where to post', zh: '发布到哪个频道' })
              .addChannelTypes(ChannelType.GuildText, ChannelType.GuildAnnouncement)
              .setRequired(true),
          )
          .addIntegerOption((o) =>
            localize(o, 'day', '星期', { en: 'Day of the week (default Monday)', zh: '星期几（默认星期一）' }).addChoices(
              ...WEEKDAYS.map((d) => ({ name: d.en, value: d.value, name_localizations: { 'zh-CN': d.zh } })),
            ),
          )
          .addIntegerOption((o) => localize(o, 'hour', '小时', { en: 'Hour of the day, 0-23 (default 9)', zh: '几点，0-23（默认 9）' }).setMinValue(0).setMaxValue(23))
          .addStringOption((o) =>
            localize(o, 'timezone', '时区', { en: 'Time zone, e.g. UTC, Asia/Shanghai, Europe/Berlin (default UTC)', zh: '时区，如 UTC、Asia/Shanghai（默认 UTC）' }).setMaxLength(60),
          ),
      )
      .addSubcommand((s) => localize(s, 'off', '关闭', { en: 'Stop the weekly post', zh: '停止每周发布' })),
  );

export default {
  data,
  async execute(interaction, ctx) {
    if (!interaction.inCachedGuild()) throw new UserError('error.guildOnly');
    // Discord hides the command from members without Manage Server; check again in case a server's
    // integration settings or a stale client let the interaction through.
    if (!interaction.memberPermissions.has(PermissionFlagsBits.ManageGuild)) {
      throw new UserError('error.missingPermission', { permission: 'Manage Server' });
    }
    const group = interaction.options.getSubcommandGroup(false);
    const sub = interaction.options.getSubcommand(true);
    if (group === 'weekly') return sub === 'on' ? weeklyOn(interaction, ctx) : weeklyOff(interaction, ctx);
    if (group === 'channel') {
      if (sub === 'add') return addChannel(interaction, ctx);
      if (sub === 'remove') return removeChannel(interaction, ctx);
      return listChannels(interaction, ctx);
    }
    if (sub === 'run') return run(interaction.guildId, ctx);
    return status(interaction, ctx);
  },
} satisfies Command;

async function status(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const { t } = ctx;
  const report = await ctx.app.status(interaction.guildId);
  const last = report.lastDigest;
  const embed = new EmbedBuilder()
    .setTitle(t('digest.status.title'))
    .setColor(report.problems.length || report.sources.some((s) => s.problem) ? 0xe67e22 : 0x2ecc71)
    .setFooter({ text: report.instance })
    .addFields(
      { name: t('digest.status.store'), value: report.store, inline: true },
      { name: t('digest.status.papers'), value: String(report.papers), inline: true },
      { name: t('digest.status.outbox'), value: String(report.outboxDepth), inline: true },
      {
        name: t('digest.status.lastDigest'),
        value: last
          ? t('digest.status.lastDigestValue', {
              date: last.date ?? '—',
              source: last.source,
              status: last.status,
              count: last.papers,
              when: discordTime(last.ingestedAt),
            })
          : t('digest.status.none'),
      },
      { name: t('digest.status.nextRun'), value: report.nextRun ? discordTime(report.nextRun) : '—', inline: true },
      {
        name: t('digest.status.channels'),
        value: report.channels.length
          ? report.channels.map((c) => `<#${c.channelId}> · ${c.mode} · ${c.sources?.join(', ') ?? 'all'}${c.disabled ? ` · ⛔ ${c.disabled.reason}` : ''}`).join('\n').slice(0, 1024)
          : t('digest.status.noChannels'),
      },
    );
  embed.addFields({
    name: t('digest.status.sources'),
    value: report.sources.length ? sourceLines(report.sources, t).slice(0, 1024) : t('digest.status.noSources'),
  });
  if (report.problems.length) {
    embed.addFields({ name: t('digest.status.problems'), value: bullets(report.problems, t).slice(0, 1024) });
  }
  await ctx.respond({ embeds: [embed], ephemeral: true });
}

async function run(guildId: string, ctx: CommandContext): Promise<void> {
  // Defer at once: ingesting and delivering can take far longer than Discord's 3 seconds.
  await ctx.defer({ ephemeral: true });
  const report = await ctx.app.runner.run('command');
  // The run serves every server: its admin hears about their own server's problems and the whole bot's only.
  const problems = problemsOf(report.problems, guildId);
  if (report.skipped) {
    await ctx.respond(`${ctx.t('digest.run.skipped')}${problems.length ? `\n${bullets(problems, ctx.t)}` : ''}`.slice(0, 1900));
    return;
  }
  await ctx.respond(
    ctx.t('digest.run.done', { files: report.filesChanged, papers: report.newPapers, messages: report.messagesSent }) +
      (report.filesFetched ? `\n${ctx.t('digest.run.fetched', { count: report.filesFetched })}` : '') +
      (report.sourcesFailed ? `\n⚠️ ${ctx.t('digest.run.sourcesFailed', { count: report.sourcesFailed })}` : '') +
      (problems.length ? `\n${bullets(problems, ctx.t)}`.slice(0, 1500) : ''),
  );
}

async function addChannel(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const channel = interaction.options.getChannel('channel', true);
  const mode = (interaction.options.getString('mode') ?? 'embeds') as ChannelMode;
  const sources = parseSources(interaction.options.getString('sources'));
  const notices = interaction.options.getBoolean('notices') ?? false;
  const missing = missingPostPermissions(channel as GuildBasedChannel, interaction.guild.members.me, mode === 'thread');
  if (missing.length) {
    await ctx.respond({ content: `⚠️ ${ctx.t('digest.channel.missingPermissions', { channel: `<#${channel.id}>`, permissions: missing.join(', ') })}`, ephemeral: true });
    return;
  }
  // Adding a channel again is how an admin re-enables it after fixing its permissions.
  const { retried } = await addDigestChannel(ctx.app, {
    guildId: interaction.guildId,
    channelId: channel.id,
    sources,
    mode,
    notices,
    addedBy: interaction.user.id,
    // Posts are read by the whole server: its language, not the admin's.
    locale: pickLocale(interaction.guildLocale ?? interaction.locale),
  });
  await ctx.respond({
    content:
      ctx.t('digest.channel.added', { channel: `<#${channel.id}>`, mode, sources: sources?.join(', ') ?? ctx.t('digest.channel.allSources') }) +
      (retried ? `\n${ctx.t('digest.channel.retried', { count: retried })}` : ''),
    ephemeral: true,
  });
}

async function removeChannel(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const channel = interaction.options.getChannel('channel', true);
  const known = await ctx.app.stores.channels.get(channel.id);
  const removed = known?.guildId === interaction.guildId && (await ctx.app.stores.channels.remove(channel.id));
  await ctx.respond({
    content:
      ctx.t(removed ? 'digest.channel.removed' : 'digest.channel.notConfigured', { channel: `<#${channel.id}>` }) +
      // A channel from DIGEST_CHANNEL_IDS comes back at the next start unless it is taken out of the environment too.
      (removed && known?.addedBy === 'DIGEST_CHANNEL_IDS' ? `\n${ctx.t('digest.channel.fromEnvironment')}` : ''),
    ephemeral: true,
  });
}

async function listChannels(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const channels = await ctx.app.stores.channels.listByGuild(interaction.guildId);
  const lines = channels.map(
    (c) => `• <#${c.channelId}> · ${c.mode} · ${c.sources?.join(', ') ?? ctx.t('digest.channel.allSources')}${c.notices ? ' · 🔔' : ''}${c.disabled ? ` · ⛔ ${c.disabled.reason}` : ''}`,
  );
  await ctx.respond({ content: lines.length ? lines.join('\n').slice(0, 2000) : ctx.t('digest.status.noChannels'), ephemeral: true });
}

/** `"arxiv, bioRxiv"` → `['arxiv', 'biorxiv']`; empty or "all" → null (every source). */
export function parseSources(raw: string | null): string[] | null {
  const list = (raw ?? '')
    .split(/[\s,，、;；]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (list.length === 0 || list.includes('all') || list.includes('全部')) return null;
  for (const source of list) {
    if (!/^[a-z0-9-]{2,30}$/.test(source)) throw new UserError('error.invalidOption', { option: 'sources', reason: source });
  }
  return [...new Set(list)];
}

/** One line per source, and under a failing one what is wrong and what to do (translated here, at the edge). */
function sourceLines(sources: readonly SourceStatus[], t: Translate): string {
  return sources
    .map((s) => {
      const line = t('digest.status.sourceLine', {
        name: s.name,
        checked: s.lastCheck ? `<t:${Math.floor(s.lastCheck.getTime() / 1000)}:R>` : t('digest.status.sourceNever'),
        newFile: s.lastNewFile ? `\`${s.lastNewFile.path}\` (<t:${Math.floor(s.lastNewFile.at.getTime() / 1000)}:R>)` : t('digest.status.sourceNever'),
      });
      if (!s.problem) return line;
      const what = t(`source.problem.${s.problem.kind}`, {
        detail: s.problem.detail,
        retryAt: s.problem.retryAt ? `<t:${Math.floor(s.problem.retryAt.getTime() / 1000)}:t>` : '—',
      });
      return `${line}\n${t('digest.status.sourceProblem', { since: `<t:${Math.floor(s.problem.since.getTime() / 1000)}:f>`, count: s.problem.count, what })}`;
    })
    .join('\n');
}

/** Problems as a bulleted list in the reader's language. */
function bullets(problems: readonly Problem[], t: Translate): string {
  return problems.map((p) => `• ${problemText(p, t)}`).join('\n');
}

function discordTime(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<t:${seconds}:f> (<t:${seconds}:R>)`;
}
