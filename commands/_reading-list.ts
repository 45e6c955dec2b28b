/**
 * The reading-list half of `/paper`: saving papers from the 🔖 menus and buttons, `/paper saved list|export|clear`,
 * `/paper cite` and `/paper recommend`. Lists are per user and follow them across servers (the store keys them by user id alone);
 * every answer is ephemeral, since a reading list is nobody else's business. (The loader skips `_` files: this
 * module belongs to commands/paper.ts.)
 */
import { AttachmentBuilder, ButtonStyle, ComponentType, type ChatInputCommandInteraction, type MessageComponentInteraction } from 'discord.js';
import { CITATION_FORMATS, formatCitations, type CitationFormat } from '../src/citations/index.ts';
import type { Paper } from '../src/digest/types.ts';
import type { CustomId } from '../src/discord/custom-id.ts';
import { encodeCustomId } from '../src/discord/custom-id.ts';
import { paperUrl } from '../src/discord/embeds.ts';
import { escapeMarkdown, maskedLink, oneLine, truncatePlain } from '../src/discord/markdown.ts';
import { saveMenuRows } from '../src/discord/save-menu.ts';
import { savedPage, savedPageOf, savedQueryFromFooter } from '../src/discord/saved-page.ts';
import type { CommandContext } from '../src/interactions/command.ts';
import { UserError } from '../src/interactions/errors.ts';
import { compileSubscriptions, profileQuery } from '../src/search/index.ts';

/** Papers one person may keep: enough for years of reading, small enough that a list is one cheap record. */
export const SAVED_LIMIT = 1000;
/** A citation shorter than this is also shown inline (in a code block), besides the file. */
const INLINE_CITATION = 1500;

/** The choices of a `format` option. */
export const FORMAT_CHOICES = CITATION_FORMATS.map((value) => ({ name: value === 'csl-json' ? 'CSL-JSON' : value === 'ris' ? 'RIS' : 'BibTeX', value }));

/** 🔖 on a message: a menu (its values are paper ids) or the button of `/paper show` (the id is in the custom id). */
export async function saveFromComponent(interaction: MessageComponentInteraction, ctx: CommandContext, id: CustomId): Promise<void> {
  const paperIds = interaction.isStringSelectMenu() ? interaction.values : id.state.slice(0, 1);
  const { saved, papers } = ctx.app.stores;
  let added = 0;
  let count = 0;
  let refused = 0;
  for (const paperId of paperIds) {
    if (!(await papers.get(paperId))) throw new UserError('paper.save.gone');
    const outcome = await saved.save({ userId: interaction.user.id, paperId, guildId: interaction.guildId, limit: SAVED_LIMIT });
    count = outcome.count;
    if (outcome.full) refused++;
    if (outcome.added) added++;
  }
  if (refused > 0) {
    // Some papers of this menu may have gone in before the list filled up: say so, or the reader thinks none did.
    if (added > 0) throw new UserError('paper.save.fullAfter', { added, asked: paperIds.length, left: refused, limit: SAVED_LIMIT });
    throw new UserError('paper.save.full', { limit: SAVED_LIMIT });
  }
  const text = added === 0 ? ctx.t('paper.save.already', { count }) : added === 1 ? ctx.t('paper.save.saved', { count }) : ctx.t('paper.save.savedMany', { added, count });
  await ctx.respond({ content: text, ephemeral: true });
}

/** The list, filtered by the usual query syntax (matched on each paper, all its titles, authors and fields). */
async function listedPapers(ctx: CommandContext, userId: string, query: string): Promise<Array<{ paper: Paper; savedAt: string }>> {
  const items = await ctx.app.stores.saved.list(userId);
  const papers = await ctx.app.stores.papers.getMany(items.map((item) => item.paperId));
  const listed = items.flatMap((item, i) => {
    const paper = papers[i];
    return paper ? [{ paper, savedAt: item.savedAt }] : [];
  });
  if (!query.trim()) return listed;
  const matcher = compileSubscriptions([{ id: 'q', expression: query }]);
  return listed.filter(({ paper }) => matcher.match(paper).length > 0);
}

/** `/paper saved list [query]`. */
export async function savedList(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const query = oneLine(interaction.options.getString('query') ?? '');
  const papers = await listedPapers(ctx, interaction.user.id, query);
  await ctx.respond({ ...savedPage({ papers, query, page: 0, owner: interaction.user.id, t: ctx.t }), ephemeral: true });
}

/** Paging and remove buttons of a list page (only for its owner). */
export async function savedListButton(interaction: MessageComponentInteraction, ctx: CommandContext, id: CustomId): Promise<void> {
  const query = savedQueryFromFooter(interaction.message.embeds[0]?.footer?.text);
  if (id.action === 'saved') {
    const [pageText = '0', owner = ''] = id.state;
    if (owner !== interaction.user.id) throw new UserError('error.notYours');
    const papers = await listedPapers(ctx, owner, query);
    await ctx.respond(savedPage({ papers, query, page: Number.parseInt(pageText, 10) || 0, owner, t: ctx.t }));
    return;
  }
  const [owner = '', paperId = ''] = id.state;
  if (owner !== interaction.user.id) throw new UserError('error.notYours');
  const before = await listedPapers(ctx, owner, query);
  const index = before.findIndex(({ paper }) => paper.id === paperId);
  const removed = await ctx.app.stores.saved.remove(owner, paperId);
  if (!removed) throw new UserError('paper.saved.notThere');
  const papers = await listedPapers(ctx, owner, query);
  await ctx.respond(savedPage({ papers, query, page: savedPageOf(Math.min(index, papers.length - 1)), owner, t: ctx.t }));
}

/** `/paper saved export format:` — the whole list as a citation file. */
export async function savedExport(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const format = (interaction.options.getString('format') ?? 'bibtex') as CitationFormat;
  const papers = (await listedPapers(ctx, interaction.user.id, '')).map(({ paper }) => paper);
  if (papers.length === 0) throw new UserError('paper.saved.empty');
  await ctx.defer({ ephemeral: true });
  const file = formatCitations(papers, format, 'reading-list');
  await ctx.respond({
    content: ctx.t('paper.saved.exported', { count: papers.length, format: formatName(format) }),
    files: [new AttachmentBuilder(Buffer.from(file.text, 'utf8'), { name: file.fileName })],
    ephemeral: true,
  });
}

/** `/paper saved clear` — asks first; the answer comes back through {@link clearAnswer}. */
export async function savedClear(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const count = (await ctx.app.stores.saved.list(interaction.user.id)).length;
  if (count === 0) throw new UserError('paper.saved.empty');
  const owner = interaction.user.id;
  await ctx.respond({
    content: ctx.t('paper.saved.clearAsk', { count }),
    components: [{
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Danger, label: ctx.t('paper.saved.clearConfirm'), custom_id: encodeCustomId('paper', 'clear', owner, 'yes') },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: ctx.t('paper.saved.clearCancel'), custom_id: encodeCustomId('paper', 'clear', owner, 'no') },
      ],
    }],
    ephemeral: true,
  });
}

/** The confirmation buttons of `/paper saved clear`. */
export async function clearAnswer(interaction: MessageComponentInteraction, ctx: CommandContext, id: CustomId): Promise<void> {
  const [owner = '', answer = 'no'] = id.state;
  if (owner !== interaction.user.id) throw new UserError('error.notYours');
  if (answer !== 'yes') {
    await ctx.respond({ content: ctx.t('paper.saved.clearCancelled'), components: [] });
    return;
  }
  const count = await ctx.app.stores.saved.clear(owner);
  await ctx.respond({ content: ctx.t('paper.saved.cleared', { count }), components: [] });
}

/** `/paper cite id: [format]` — a file, and the text inline when it is short. */
export async function cite(interaction: ChatInputCommandInteraction, ctx: CommandContext, paper: Paper): Promise<void> {
  const format = (interaction.options.getString('format') ?? 'bibtex') as CitationFormat;
  const file = formatCitations([paper], format, fileBase(paper));
  const header = ctx.t('paper.cite.header', { id: paper.id, format: formatName(format) });
  const inline = file.text.length <= INLINE_CITATION ? `\n\`\`\`${format === 'bibtex' ? 'bib' : format === 'csl-json' ? 'json' : ''}\n${file.text.replace(/```/g, "'''").trim()}\n\`\`\`` : '';
  const isPublic = interaction.options.getBoolean('public') ?? false;
  await ctx.respond({ content: `${header}${inline}`, files: [new AttachmentBuilder(Buffer.from(file.text, 'utf8'), { name: file.fileName })], ephemeral: !isPublic });
}

function formatName(format: CitationFormat): string {
  return FORMAT_CHOICES.find((c) => c.value === format)?.name ?? format;
}

/** A file name from the paper's id: `2511.16664.bib`, `10.1101_2025.01.02.123456.ris`. */
function fileBase(paper: Paper): string {
  return truncatePlain((paper.arxivId ?? paper.doi ?? paper.id).replace(/[^\w.-]+/g, '_'), 80) || 'paper';
}

/** Recommendations a reply lists. */
const RECOMMEND_COUNT = 5;

/**
 * `/paper recommend [days]`: the recent papers most like the reader's saved ones (see src/search/profile.ts),
 * saved ones excluded, each with the words that made it similar.
 */
export async function recommend(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void> {
  const days = interaction.options.getInteger('days') ?? 7;
  const items = await ctx.app.stores.saved.list(interaction.user.id);
  if (items.length === 0) throw new UserError('paper.recommend.nothingSaved');
  const papers = (await ctx.app.stores.papers.getMany(items.map((i) => i.paperId))).filter((p): p is Paper => p !== undefined);
  const from = new Date(ctx.app.now().getTime() - days * 86_400_000).toISOString().slice(0, 10);
  const saved = new Set(items.map((i) => i.paperId));
  const hits = ctx.app.archive.index
    .searchParsed(profileQuery(papers, { from }), { limit: RECOMMEND_COUNT + saved.size })
    .results.filter((hit) => !saved.has(hit.id))
    .slice(0, RECOMMEND_COUNT);
  if (hits.length === 0) throw new UserError('paper.recommend.none', { days });
  const found = await ctx.app.stores.papers.getMany(hits.map((h) => h.id));
  const lines = hits.map((hit, i) => {
    const paper = found[i];
    const title = escapeMarkdown(truncatePlain(oneLine(hit.title) || hit.id, 180));
    const url = paper ? paperUrl(paper) : null;
    const because = hit.matchedTerms.slice(0, 6).map((w) => escapeMarkdown(w)).join(', ');
    return `**${i + 1}.** ${url ? maskedLink(title, url) : title}\n${[hit.date, hit.id].filter(Boolean).join(' · ')} · ${ctx.t('paper.recommend.because', { words: because })}`;
  });
  const listed = hits.map((hit, i) => ({ id: hit.id, title: hit.title, titleOriginal: found[i]?.titleOriginal ?? null, authors: found[i]?.authors ?? [] }));
  await ctx.respond({
    embeds: [{ title: ctx.t('paper.recommend.title', { days, count: items.length }), description: lines.join('\n\n').slice(0, 4096), color: 0xf1c40f }],
    components: saveMenuRows(listed, { rows: 1, placeholder: ctx.t('paper.save.placeholder') }),
    ephemeral: true,
  });
}
