/**
 * `/paper` — for everyone: search the archive, show one paper, list the newest digest's papers, query help, and
 * the reading list (save, `saved list|export|clear`, `cite`; handlers in `_reading-list.ts`).
 */
import {
  ButtonStyle,
  ComponentType,
  InteractionContextType,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { paperIdentity } from '../src/digest/index.ts';
import type { Paper } from '../src/digest/types.ts';
import type { Command, CommandContext } from '../src/interactions/command.ts';
import { paperEmbed } from '../src/discord/embeds.ts';
import { UserError } from '../src/interactions/errors.ts';
import { localize } from '../src/interactions/localize.ts';
import { packEmbeds } from '../src/discord/messages.ts';
import { escapeMarkdown, oneLine, truncatePlain } from '../src/discord/markdown.ts';
import { queryFromFooter, searchResultsPage } from '../src/discord/search-page.ts';
import type { AppServices } from '../src/app.ts';
import { encodeCustomId } from '../src/discord/custom-id.ts';
import { FORMAT_CHOICES, cite, clearAnswer, recommend, saveFromComponent, savedClear, savedExport, savedList, savedListButton } from './_reading-list.ts';

const SOURCES = [
  { name: 'arXiv', value: 'arxiv' },
  { name: 'bioRxiv', value: 'biorxiv' },
  { name: 'medRxiv', value: 'medrxiv' },
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

const data = localize(new SlashCommandBuilder(), 'paper', '论文', { en: 'Search and read the paper archive', zh: '检索和阅读论文存档' })
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel)
  .addSubcommand((s) =>
    localize(s, 'search', '搜索', { en: 'Search papers in Chinese or English', zh: '用中文或英文搜索论文' })
      .addStringOption((o) =>
        localize(o, 'query', '关键词', {
          en: 'Words, "a phrase", -exclude, author:name, source:arxiv, from:2025-01-01',
          zh: '关键词、"短语"、-排除词、author:作者、source:arxiv、from:2025-01-01',
        })
          .setRequired(true)
          .setMaxLength(200),
      )
      .addStringOption((o) => localize(o, 'author', '作者', { en: 'Only papers by this author', zh: '只看该作者的论文' }).setMaxLength(100))
      .addStringOption((o) => localize(o, 'source', '来源', { en: 'Only this source', zh: '只看该来源' }).addChoices(...SOURCES))
      .addStringOption((o) => localize(o, 'from', '起始日期', { en: 'From this date (YYYY-MM-DD)', zh: '起始日期（YYYY-MM-DD）' }).setMaxLength(10))
      .addStringOption((o) => localize(o, 'to', '截止日期', { en: 'Up to this date (YYYY-MM-DD)', zh: '截止日期（YYYY-MM-DD）' }).setMaxLength(10))
      .addBooleanOption((o) =>
        localize(o, 'public', '公开', { en: 'Post the results in the channel for everyone (default: only you)', zh: '在频道中公开结果（默认仅自己可见）' }),
      ),
  )
  .addSubcommand((s) =>
    localize(s, 'show', '查看', { en: 'Show one paper', zh: '查看一篇论文' })
      .addStringOption((o) =>
        localize(o, 'id', '编号', { en: 'arXiv id, DOI, link, or start typing a title', zh: 'arXiv 编号、DOI、链接，或输入标题' })
          .setRequired(true)
          .setMaxLength(300)
          .setAutocomplete(true),
      )
      .addBooleanOption((o) => localize(o, 'public', '公开', { en: 'Post it in the channel for everyone', zh: '在频道中公开' })),
  )
  .addSubcommand((s) =>
    localize(s, 'latest', '最新', { en: "The newest digest's papers", zh: '最新一期日报的论文' })
      .addStringOption((o) => localize(o, 'source', '来源', { en: 'Which source (default: any)', zh: '哪个来源（默认任意）' }).addChoices(...SOURCES))
      .addIntegerOption((o) => localize(o, 'count', '数量', { en: 'How many papers (1-10, default 5)', zh: '显示多少篇（1-10，默认 5）' }).setMinValue(1).setMaxValue(10))
      .addBooleanOption((o) => localize(o, 'public', '公开', { en: 'Post them in the channel for everyone', zh: '在频道中公开' })),
  )
  .addSubcommand((s) =>
    localize(s, 'cite', '引用', { en: 'Cite a paper: BibTeX, RIS or CSL-JSON', zh: '引用一篇论文：BibTeX、RIS 或 CSL-JSON' })
      .addStringOption((o) =>
        localize(o, 'id', '编号', { en: 'arXiv id, DOI, link, or start typing a title', zh: 'arXiv 编号、DOI、链接，或输入标题' })
          .setRequired(true)
          .setMaxLength(300)
          .setAutocomplete(true),
      )
      .addStringOption((o) => localize(o, 'format', '格式', { en: 'Citation format (default BibTeX)', zh: '引用格式（默认 BibTeX）' }).addChoices(...FORMAT_CHOICES))
      .addBooleanOption((o) => localize(o, 'public', '公开', { en: 'Post it in the channel for everyone', zh: '在频道中公开' })),
  )
  .addSubcommand((s) =>
    localize(s, 'recommend', '推荐', { en: 'Recent papers like the ones you saved', zh: '与你收藏相似的近期论文' }).addIntegerOption((o) =>
      localize(o, 'days', '天数', { en: 'From the digests of the last N days (1-60, default 7)', zh: '来自最近 N 天的日报（1-60，默认 7）' }).setMinValue(1).setMaxValue(60),
    ),
  )
  .addSubcommandGroup((g) =>
    localize(g, 'saved', '收藏', { en: 'Your reading list (follows you across servers)', zh: '我的阅读列表（跨服务器通用）' })
      .addSubcommand((s) =>
        localize(s, 'list', '列表', { en: 'The papers you saved, newest first', zh: '你收藏的论文，最新在前' }).addStringOption((o) =>
          localize(o, 'query', '关键词', { en: 'Only papers matching this (same syntax as search)', zh: '只显示匹配的论文（语法同搜索）' }).setMaxLength(200),
        ),
      )
      .addSubcommand((s) =>
        localize(s, 'export', '导出', { en: 'Your reading list as a citation file', zh: '把阅读列表导出为引用文件' }).addStringOption((o) =>
          localize(o, 'format', '格式', { en: 'Citation format (default BibTeX)', zh: '引用格式（默认 BibTeX）' }).addChoices(...FORMAT_CHOICES),
        ),
      )
      .addSubcommand((s) => localize(s, 'clear', '清空', { en: 'Delete your whole reading list', zh: '删除整个阅读列表' })),
  )
  .addSubcommand((s) => localize(s, 'help', '帮助', { en: 'How to search: query syntax and examples', zh: '搜索语法与示例' }));

export default {
  data,
  async execute(interaction, ctx) {
    if (interaction.options.getSubcommandGroup(false) === 'saved') {
      const sub = interaction.options.getSubcommand(true);
      return sub === 'export' ? savedExport(interaction, ctx) : sub === 'clear' ? savedClear(interaction, ctx) : savedList(interaction, ctx);
    }
    switch (interaction.options.getSubcommand(true)) {
      case 'search':
        return search(interaction, ctx);
      case 'show':
        return show(interaction, ctx);
      case 'latest':
        return latest(interaction, ctx);
      case 'recommend':
        return recommend(interaction, ctx);
      case 'cite': {
        const input = interaction.options.getString('id', true);
        const paper = await findPaper(ctx.app, input);
        if (!paper) throw new UserError('paper.notFound', { id: truncatePlain(oneLine(input), 100) });
        return cite(interaction, ctx, paper);
      }
      default:
        return ctx.respond({ content: ctx.t('paper.help'), ephemeral: true });
    }
  },

  async autocomplete(interaction, ctx) {
    const focused = oneLine(String(interaction.options.getFocused())).slice(0, 100);
    // Nothing typed yet: offer the newest papers, the likeliest thing someone wants to open.
    const choices = focused ? byTitlePrefix(ctx.app.archive.index.suggest(focused, 25), focused) : (await ctx.app.stores.papers.latest()).slice(0, 25);
    await interaction.respond(
      choices.slice(0, 25).filter((c) => c.id.length <= 100).map((c) => ({ name: truncatePlain(`${oneLine(c.title)} · ${c.id}`, 100) || c.id, value: c.id })),
    );
  },

  async component(interaction, ctx, id) {
    if (id.action === 'save') return saveFromComponent(interaction, ctx, id);
    if ((id.action === 'saved' || id.action === 'unsave') && interaction.isButton()) return savedListButton(interaction, ctx, id);
    if (id.action === 'clear' && interaction.isButton()) return clearAnswer(interaction, ctx, id);
    if (id.action === 'open' && interaction.isStringSelectMenu()) {
      const paperId = interaction.values[0] ?? '';
      const paper = await ctx.app.stores.papers.get(paperId);
      if (!paper) throw new UserError('paper.notFound', { id: paperId });
      await ctx.respond({ embeds: [paperEmbed(paper, { locale: ctx.locale, budget: 6000 })], components: showButtons(paper, ctx), ephemeral: true });
      return;
    }
    if (id.action === 'page' && interaction.isButton()) {
      const [pageText = '0', owner = '*'] = id.state;
      if (owner !== '*' && owner !== interaction.user.id) throw new UserError('error.notYours');
      const query = queryFromFooter(interaction.message.embeds[0]?.footer?.text);
      if (query === null) throw new UserError('error.expired');
      await ctx.respond(await resultsPage(ctx, query, Math.max(0, Number.parseInt(pageText, 10) || 0), owner));
      return;
    }
    throw new UserError('error.expired');
  },
} satisfies Command;

async function search(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const isPublic = interaction.options.getBoolean('public') ?? false;
  // A public answer is deferred publicly at once: a slow search must not end up private through the safety deferral.
  if (isPublic) await ctx.defer({ ephemeral: false });
  const query = buildQuery(interaction);
  await ctx.respond({ ...(await resultsPage(ctx, query, 0, isPublic ? '*' : interaction.user.id)), ephemeral: !isPublic });
}

/** Folds the option fields into the query syntax, so paging (which only has the query) sees the same search. */
function buildQuery(interaction: ChatInputCommandInteraction): string {
  const parts = [oneLine(interaction.options.getString('query', true))];
  const author = interaction.options.getString('author');
  if (author) parts.push(`author:"${oneLine(author).replace(/"/g, '')}"`);
  const source = interaction.options.getString('source');
  if (source) parts.push(`source:${source}`);
  for (const name of ['from', 'to'] as const) {
    const value = interaction.options.getString(name)?.trim();
    if (!value) continue;
    if (!isDate(value)) throw new UserError('paper.search.badDate', { option: name, value: escapeMarkdown(truncatePlain(oneLine(value), 20)) });
    parts.push(`${name}:${value}`);
  }
  return parts.join(' ');
}

/** A real calendar day in YYYY-MM-DD (Date.parse alone accepts 2025-02-30 and rolls it over). */
function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

async function resultsPage(ctx: CommandContext, query: string, page: number, owner: string) {
  return (await searchResultsPage(ctx.app.archive, { query, page, owner, t: ctx.t })).message;
}

async function show(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const input = interaction.options.getString('id', true);
  const paper = await findPaper(ctx.app, input);
  if (!paper) throw new UserError('paper.notFound', { id: truncatePlain(oneLine(input), 100) });
  const isPublic = interaction.options.getBoolean('public') ?? false;
  await ctx.respond({ embeds: [paperEmbed(paper, { locale: ctx.locale, budget: 6000 })], components: showButtons(paper, ctx), ephemeral: !isPublic });
}

/** The buttons under `/paper show`: 🔖 Save (when the id fits a custom id). */
function showButtons(paper: Paper, ctx: CommandContext) {
  const customId = `v1|paper|save|${paper.id}`;
  if (customId.length > 100 || paper.id.includes('|')) return [];
  return [{
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.Button as const, style: ButtonStyle.Secondary as const, label: ctx.t('paper.save.button'), custom_id: encodeCustomId('paper', 'save', paper.id) }],
  }];
}

/**
 * Someone typing a title types its beginning: titles that start with the text come first, then titles that
 * contain it, then the rest in the index's order (sort is stable).
 */
function byTitlePrefix<T extends { title: string }>(choices: T[], typed: string): T[] {
  const needle = typed.toLowerCase();
  const rank = (title: string): number => {
    const text = oneLine(title).toLowerCase();
    return text.startsWith(needle) ? 0 : text.includes(needle) ? 1 : 2;
  };
  return choices.map((c) => ({ c, r: rank(c.title) })).sort((a, b) => a.r - b.r).map(({ c }) => c);
}

/** Resolves what a user typed — a canonical id, an arXiv id, a DOI, or a link — to a stored paper. */
export async function findPaper(app: Pick<AppServices, 'stores'>, input: string): Promise<Paper | undefined> {
  const text = input.trim();
  if (!text) return undefined;
  const candidates = new Set<string>();
  if (/^(arxiv|doi|url):/i.test(text)) candidates.add(text.replace(/^(\w+):/, (m) => m.toLowerCase()));
  if (/^10\.\d{4,9}\//.test(text)) candidates.add(`doi:${text.toLowerCase()}`);
  candidates.add(paperIdentity(text).id);
  for (const id of candidates) {
    const paper = await app.stores.papers.get(id);
    if (paper) return paper;
  }
  return undefined;
}

async function latest(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const source = interaction.options.getString('source') ?? undefined;
  const count = interaction.options.getInteger('count') ?? 5;
  const isPublic = interaction.options.getBoolean('public') ?? false;
  const papers = (await ctx.app.stores.papers.latest(source)).slice(0, Math.min(10, Math.max(1, count)));
  if (papers.length === 0) throw new UserError('paper.latest.empty');
  // One reply holds what fits Discord's embed limits; the header counts what is actually shown.
  const embeds = packEmbeds(papers.map((p) => paperEmbed(p, { locale: ctx.locale })))[0]?.embeds ?? [];
  await ctx.respond({ content: ctx.t('paper.latest.header', { date: papers[0]?.date ?? '—', count: embeds.length }), embeds, ephemeral: !isPublic });
}
