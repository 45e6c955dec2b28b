/**
 * A page of someone's reading list: numbered, linked titles (newest saved first) with a remove button each, and
 * paging. The filter query rides in the footer, as on search pages, so buttons keep working after restarts. Pure.
 */
import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIComponentInMessageActionRow, APIEmbed } from 'discord-api-types/v10';
import type { Paper } from '../digest/types.ts';
import type { Translate } from '../i18n/index.ts';
import { encodeCustomId } from './custom-id.ts';
import { authorLine, paperUrl } from './embeds.ts';
import { LIMITS } from './limits.ts';
import { escapeMarkdown, maskedLink, oneLine, oneLineHead, truncate, truncatePlain } from './markdown.ts';

/** Papers a page shows (one remove button each fits one action row). */
export const SAVED_PAGE_SIZE = 5;
const QUERY_MARK = 'filter: ';

/** What one page needs. */
export interface SavedPageInput {
  /** The list (already filtered), newest saved first, with the saved time. */
  papers: ReadonlyArray<{ paper: Paper; savedAt: string }>;
  /** The filter the user typed, or '' for the whole list. */
  query: string;
  page: number;
  /** Who may press the buttons (the list's owner). */
  owner: string;
  t: Translate;
}

/** The reply body of a reading-list page. */
export function savedPage(input: SavedPageInput): { embeds: APIEmbed[]; components: APIActionRowComponent<APIComponentInMessageActionRow>[] } {
  const { t, query, owner } = input;
  const total = input.papers.length;
  const pages = Math.max(1, Math.ceil(total / SAVED_PAGE_SIZE));
  const page = Math.min(Math.max(0, input.page), pages - 1);
  const shown = input.papers.slice(page * SAVED_PAGE_SIZE, (page + 1) * SAVED_PAGE_SIZE);
  const lines = shown.map(({ paper, savedAt }, i) => line(page * SAVED_PAGE_SIZE + i + 1, paper, savedAt));
  const empty = query ? t('paper.saved.noMatch', { query: escapeMarkdown(truncatePlain(oneLine(query), 100)) }) : t('paper.saved.empty');
  const embed: APIEmbed = {
    title: truncate(query ? t('paper.saved.titleQuery', { query: oneLine(query) }) : t('paper.saved.title'), LIMITS.title),
    description: truncate(lines.length ? lines.join('\n\n') : empty, LIMITS.description, { escape: false }),
    color: 0xf1c40f,
    footer: { text: `${t('paper.saved.footer', { page: page + 1, pages, total })}${query ? ` · ${QUERY_MARK}${query}` : ''}`.slice(0, LIMITS.footer) },
  };
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  const removable = shown.filter(({ paper }) => encodeCustomIdFits(paper.id));
  if (removable.length) {
    components.push({
      type: ComponentType.ActionRow,
      components: shown.flatMap(({ paper }, i) =>
        encodeCustomIdFits(paper.id)
          ? [button(t('paper.saved.remove', { number: page * SAVED_PAGE_SIZE + i + 1 }), encodeCustomId('paper', 'unsave', owner, paper.id), false, ButtonStyle.Secondary)]
          : [],
      ),
    });
  }
  if (pages > 1) {
    components.push({
      type: ComponentType.ActionRow,
      components: [
        button(t('paper.search.previous'), encodeCustomId('paper', 'saved', String(page - 1), owner), page <= 0),
        button(t('paper.search.next'), encodeCustomId('paper', 'saved', String(page + 1), owner), page + 1 >= pages),
      ],
    });
  }
  return { embeds: [embed], components };
}

/** The filter of a reading-list page, read back from its footer ('' when it had none). */
export function savedQueryFromFooter(footer: string | null | undefined): string {
  if (!footer) return '';
  const at = footer.indexOf(QUERY_MARK);
  return at === -1 ? '' : footer.slice(at + QUERY_MARK.length);
}

/** The page (0-based) showing the `index`-th paper. */
export function savedPageOf(index: number): number {
  return Math.floor(Math.max(0, index) / SAVED_PAGE_SIZE);
}

function line(n: number, paper: Paper, savedAt: string): string {
  const title = escapeMarkdown(oneLineHead(paper.title, 200) || oneLineHead(paper.titleOriginal ?? '', 200) || paper.id);
  const url = paperUrl(paper);
  const head = `**${n}.** ${url ? maskedLink(truncate(title, 180, { escape: false }), url) : truncate(title, 180, { escape: false })}`;
  const meta = [authorLine(paper.authors), paper.date, paper.id, `🔖 ${savedAt.slice(0, 10)}`].filter((x): x is string => Boolean(x)).map((x) => escapeMarkdown(x)).join(' · ');
  return `${head}\n${meta}`;
}

/** Whether a remove button for this paper fits Discord's 100-character custom id (with a 20-digit owner id). */
function encodeCustomIdFits(paperId: string): boolean {
  return `v1|paper|unsave|${'0'.repeat(20)}|${paperId}`.length <= 100 && !paperId.includes('|');
}

function button(label: string, customId: string, disabled: boolean, style: APIButtonComponentWithCustomId['style'] = ButtonStyle.Secondary): APIButtonComponentWithCustomId {
  return { type: ComponentType.Button, style, label: truncatePlain(label, 80), custom_id: customId, disabled };
}
