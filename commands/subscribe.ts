/**
 * `/subscribe` — keyword subscriptions: a channel (members with Manage Channels there) or yourself by DM.
 * Matching papers of every new digest are delivered through the same outbox as the daily posts.
 */
import {
  ChannelType,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
} from 'discord.js';
import type { Paper } from '../src/digest/types.ts';
import type { Command, CommandContext } from '../src/interactions/command.ts';
import { UserError } from '../src/interactions/errors.ts';
import { localize } from '../src/interactions/localize.ts';
import { pickLocale } from '../src/i18n/index.ts';
import { escapeMarkdown, oneLine, truncatePlain } from '../src/discord/markdown.ts';
import { missingPostPermissions } from '../src/interactions/permissions.ts';
import { compileSubscriptions, parseQuery } from '../src/search/index.ts';
import type { SubscriptionRecord } from '../src/store/index.ts';

/** Subscriptions one member may create in one server. */
export const PER_USER_LIMIT = 25;
/** Subscriptions one server may hold. */
export const PER_GUILD_LIMIT = 200;
/** How many recent papers `/subscribe test` tries the expression on. */
const TEST_WINDOW = 2000;

const data = localize(new SlashCommandBuilder(), 'subscribe', '订阅', {
  en: 'Get papers matching your keywords, in a channel or by DM',
  zh: '按关键词订阅论文，发送到频道或私信',
})
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    localize(s, 'add', '添加', { en: 'Subscribe yourself (by DM) or a channel to keywords', zh: '为自己（私信）或频道订阅关键词' })
      .addStringOption((o) =>
        localize(o, 'keywords', '关键词', {
          en: 'e.g. 扩散模型 OR diffusion -survey, "graph neural", author:Hinton',
          zh: '例如 扩散模型 OR diffusion -综述、"graph neural"、author:Hinton',
        })
          .setRequired(true)
          .setMaxLength(200),
      )
      .addChannelOption((o) =>
        localize(o, 'channel', '频道', { en: 'Post matches in this channel instead of DMing you', zh: '发到该频道而不是私信你' }).addChannelTypes(
          ChannelType.GuildText,
          ChannelType.GuildAnnouncement,
        ),
      )
      .addRoleOption((o) => localize(o, 'mention', '提及', { en: 'Role to ping with channel matches', zh: '频道匹配时提及的身份组' })),
  )
  .addSubcommand((s) =>
    localize(s, 'list', '列表', { en: 'Your subscriptions, or a channel’s', zh: '你的订阅，或某频道的订阅' }).addChannelOption((o) =>
      localize(o, 'channel', '频道', { en: 'List this channel’s subscriptions', zh: '列出该频道的订阅' }),
    ),
  )
  .addSubcommand((s) =>
    localize(s, 'remove', '移除', { en: 'Remove a subscription', zh: '移除一个订阅' }).addStringOption((o) =>
      localize(o, 'id', '编号', { en: 'The subscription (start typing)', zh: '要移除的订阅（输入以搜索）' }).setRequired(true).setAutocomplete(true).setMaxLength(100),
    ),
  )
  .addSubcommand((s) =>
    localize(s, 'test', '测试', { en: 'Which recent papers would these keywords have matched?', zh: '这些关键词会匹配到哪些近期论文？' }).addStringOption((o) =>
      localize(o, 'keywords', '关键词', { en: 'The keyword expression to try', zh: '要测试的关键词表达式' }).setRequired(true).setMaxLength(200),
    ),
  );

export default {
  data,
  async execute(interaction, ctx) {
    if (!interaction.inCachedGuild()) throw new UserError('error.guildOnly');
    switch (interaction.options.getSubcommand(true)) {
      case 'add':
        return add(interaction, ctx);
      case 'list':
        return list(interaction, ctx);
      case 'remove':
        return remove(interaction, ctx);
      default:
        return test(interaction, ctx);
    }
  },
  async autocomplete(interaction, ctx) {
    if (!interaction.inCachedGuild()) return interaction.respond([]);
    const typed = String(interaction.options.getFocused()).toLowerCase();
    const mine = (await ctx.app.stores.subscriptions.listByGuild(interaction.guildId)).filter((s) => removable(s, interaction.user.id, interaction.memberPermissions.has(PermissionFlagsBits.ManageChannels)));
    await interaction.respond(
      mine
        .filter((s) => !typed || s.id.toLowerCase().includes(typed) || s.keywords.toLowerCase().includes(typed))
        .slice(0, 25)
        .map((s) => ({ name: truncatePlain(`${s.keywords} · ${s.channelId ? `#${channelName(interaction.guild.channels.cache.get(s.channelId))}` : 'DM'} · ${s.id}`, 100), value: s.id })),
    );
  },
} satisfies Command;

function channelName(channel: GuildBasedChannel | undefined): string {
  return channel?.name ?? 'channel';
}

/** Members remove their own subscriptions; Manage Channels may remove any channel subscription. */
function removable(sub: SubscriptionRecord, userId: string, canManage: boolean): boolean {
  return sub.createdBy === userId || (canManage && sub.channelId !== null);
}

/** Checks an expression; returns it normalized or throws a UserError that says what is wrong. */
function checkExpression(raw: string): string {
  const keywords = oneLine(raw);
  const parsed = parseQuery(keywords);
  if (parsed.groups.length === 0 && parsed.authors.length === 0) throw new UserError('subscribe.emptyExpression');
  if (parsed.errors.length) throw new UserError('error.invalidOption', { option: 'keywords', reason: parsed.errors.join('; ') });
  return keywords;
}

async function add(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const keywords = checkExpression(interaction.options.getString('keywords', true));
  const channel = interaction.options.getChannel('channel');
  const role = interaction.options.getRole('mention');
  const { stores } = ctx.app;

  if (role && !channel) throw new UserError('subscribe.mentionNeedsChannel');
  if (channel) {
    if (!interaction.member.permissionsIn(channel.id).has(PermissionFlagsBits.ManageChannels)) {
      throw new UserError('error.missingPermission', { permission: 'Manage Channels' });
    }
    const missing = missingPostPermissions(channel as GuildBasedChannel, interaction.guild.members.me);
    if (missing.length) throw new UserError('digest.channel.missingPermissions', { channel: `<#${channel.id}>`, permissions: missing.join(', ') });
  }
  // Letting anyone make the bot ping a role they could not ping themselves would be an escalation.
  if (role && !role.mentionable && !interaction.member.permissionsIn(channel?.id ?? '').has(PermissionFlagsBits.MentionEveryone)) {
    throw new UserError('subscribe.roleNotMentionable', { role: escapeMarkdown(role.name) });
  }

  const inGuild = await stores.subscriptions.listByGuild(interaction.guildId);
  if (inGuild.length >= PER_GUILD_LIMIT) throw new UserError('subscribe.guildLimit', { limit: PER_GUILD_LIMIT });
  if (inGuild.filter((s) => s.createdBy === interaction.user.id).length >= PER_USER_LIMIT) {
    throw new UserError('subscribe.userLimit', { limit: PER_USER_LIMIT });
  }
  const duplicate = inGuild.find(
    (s) => s.keywords === keywords && s.channelId === (channel?.id ?? null) && (channel ? true : s.userId === interaction.user.id),
  );
  if (duplicate?.paused) {
    // Adding a paused subscription again is how a member resumes it (e.g. after opening their DMs).
    await stores.subscriptions.update(duplicate.id, (s) => ({ ...s, paused: null }));
    await ctx.respond({ content: ctx.t('subscribe.resumed', { keywords: escapeMarkdown(keywords), id: duplicate.id }), ephemeral: true });
    return;
  }
  if (duplicate) throw new UserError('subscribe.duplicate', { id: duplicate.id });

  const sub = await stores.subscriptions.add({
    guildId: interaction.guildId,
    channelId: channel?.id ?? null,
    userId: channel ? null : interaction.user.id,
    keywords,
    mentionRoleId: role?.id ?? null,
    createdBy: interaction.user.id,
    // A DM is read by the subscriber (their language); a channel by the server (its language).
    locale: channel ? pickLocale(interaction.guildLocale ?? interaction.locale) : ctx.locale,
  });
  await ctx.respond({
    content: channel
      ? ctx.t('subscribe.addedChannel', { keywords: escapeMarkdown(keywords), channel: `<#${channel.id}>`, id: sub.id, mention: role ? ` (→ ${escapeMarkdown(role.name)})` : '' })
      : ctx.t('subscribe.addedUser', { keywords: escapeMarkdown(keywords), id: sub.id }),
    ephemeral: true,
  });
}

async function list(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const channel = interaction.options.getChannel('channel');
  const subs = channel
    ? await ctx.app.stores.subscriptions.listByChannel(channel.id)
    : (await ctx.app.stores.subscriptions.listByGuild(interaction.guildId)).filter((s) => s.createdBy === interaction.user.id);
  if (subs.length === 0) {
    await ctx.respond({ content: ctx.t(channel ? 'subscribe.noneInChannel' : 'subscribe.none'), ephemeral: true });
    return;
  }
  const lines = subs.map(
    (s) =>
      `\`${s.id}\` · **${escapeMarkdown(s.keywords)}** → ${s.channelId ? `<#${s.channelId}>` : 'DM'}${s.mentionRoleId ? ` · <@&${s.mentionRoleId}>` : ''}${
        s.paused ? ` · ⏸ ${escapeMarkdown(s.paused.reason)}` : ''
      }`,
  );
  await ctx.respond({ content: lines.join('\n').slice(0, 2000), ephemeral: true, allowedMentions: { parse: [] } });
}

async function remove(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const id = interaction.options.getString('id', true).trim();
  const sub = await ctx.app.stores.subscriptions.get(id);
  if (!sub || sub.guildId !== interaction.guildId) throw new UserError('subscribe.notFound', { id: escapeMarkdown(id) });
  // A deleted channel cannot be resolved for channel permissions; then the server-wide permission decides.
  const channel = sub.channelId === null ? undefined : interaction.guild.channels.cache.get(sub.channelId);
  const canManage =
    sub.channelId !== null && (channel ? interaction.member.permissionsIn(channel) : interaction.member.permissions).has(PermissionFlagsBits.ManageChannels);
  if (!removable(sub, interaction.user.id, canManage)) throw new UserError('error.missingPermission', { permission: 'Manage Channels' });
  await ctx.app.stores.subscriptions.remove(id);
  await ctx.respond({ content: ctx.t('subscribe.removed', { keywords: escapeMarkdown(sub.keywords) }), ephemeral: true });
}

async function test(interaction: ChatInputCommandInteraction<'cached'>, ctx: CommandContext): Promise<void> {
  const keywords = checkExpression(interaction.options.getString('keywords', true));
  await ctx.defer({ ephemeral: true });
  const matcher = compileSubscriptions([{ id: 'test', expression: keywords }]);
  const hits: { paper: Paper; matched: string[] }[] = [];
  let seen = 0;
  for await (const paper of ctx.app.stores.papers.all()) {
    if (++seen > TEST_WINDOW) break;
    const match = matcher.match(paper)[0];
    if (match) hits.push({ paper, matched: match.matchedKeywords });
  }
  if (hits.length === 0) {
    await ctx.respond(ctx.t('subscribe.testNone', { keywords: escapeMarkdown(keywords), window: Math.min(seen, TEST_WINDOW) }));
    return;
  }
  const lines = hits
    .slice(0, 10)
    .map((h) => `• ${escapeMarkdown(truncatePlain(oneLine(h.paper.title), 120))} — ${escapeMarkdown(h.paper.date ?? '')} · _${escapeMarkdown(h.matched.join(', '))}_`);
  await ctx.respond(
    `${ctx.t('subscribe.testResult', { keywords: escapeMarkdown(keywords), count: hits.length, window: Math.min(seen, TEST_WINDOW) })}\n${lines.join('\n')}`.slice(0, 2000),
  );
}
