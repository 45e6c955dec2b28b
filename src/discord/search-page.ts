/**
 * A page of search results as a Discord message: one embed listing the hits (linked title, authors, date, id,
 * a snippet with the matched words in bold), Previous/Next buttons and a menu that opens one paper.
 *
 * The query itself rides in the embed footer and the page number in the button ids, so paging works after a
 * restart without any session state.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord-api-types/v10';
import type { Archive } from '../archive.ts';
import type { Paper } from '../digest/types.ts';
import type { Translate } from '../i18n/index.ts';
import { explainNoMatch, type NoMatchHelp, type SearchHit } from '../search/index.ts';
import { saveMenuRows } from './save-menu.ts';
import { encodeCustomId } from './custom-id.ts';
import { authorLine, paperUrl, sourceColor } from './embeds.ts';
import { highlight } from './highlight.ts';
import { LIMITS } from './limits.ts';
import { escapeMarkdown, maskedLink, oneLine, truncate, truncatePlain } from './markdown.ts';

/** Results per page. */
export const PAGE_SIZE = 5;
/** Marks where the query starts in the footer (everything after it is the query, verbatim). */
const QUERY_MARK = '🔎 ';

/** What a page shows. */
export interface SearchPageInput {
  query: string;
  page: number;
  total: number;
  relaxed: boolean;
  errors: string[];
  hits: { hit: SearchHit; paper: Paper | undefined }[];
  /** Who may use the buttons: a user id, or `*` when the results were posted publicly. */
  owner: string;
  t: Translate;
  /** Why nothing matched (only for an empty result). */
  help?: NoMatchHelp;
}

/** The message body of a results page (for `reply`/`update`). */
export function searchPage(input: SearchPageInput): { embeds: APIEmbed[]; components: APIActionRowComponent<APIComponentInMessageActionRow>[] } {
  const { t, query, page, total } = input;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const lines = input.hits.map(({ hit, paper }, i) => resultLines(PAGE_SIZE * page + i + 1, hit, paper));
  const notes = [
    // "These match some of the words" only makes sense above results; with none, the empty message says it all.
    ...(input.relaxed && lines.length ? [t('paper.search.relaxed')] : []),
    ...input.errors.map((e) => `⚠️ ${escapeMarkdown(e)}`),
  ];
  const empty = lines.length ? [] : [t('paper.search.empty', { query: escapeMarkdown(truncatePlain(oneLine(query), 100)) }), ...helpLines(input)];
  const description = [...notes, ...lines, ...empty].join('\n\n');
  const embed: APIEmbed = {
    title: truncate(t('paper.search.title', { query: oneLine(query) }), LIMITS.title),
    description: truncate(description, LIMITS.description, { escape: false }),
    color: sourceColor(input.hits[0]?.hit.source ?? 'arxiv'),
    footer: { text: footerText(t('paper.search.footer', { page: page + 1, pages, total }), query) },
  };
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] = [];
  if (total > 0) {
    components.push({
      type: ComponentType.ActionRow,
      components: [
        button(t('paper.search.previous'), encodeCustomId('paper', 'page', String(page - 1), input.owner), page <= 0),
        button(t('paper.search.next'), encodeCustomId('paper', 'page', String(page + 1), input.owner), page + 1 >= pages),
      ],
    });
    const options = input.hits
      .filter(({ hit }) => hit.id.length <= 100)
      .map(({ hit }, i) => ({
        label: truncatePlain(`${PAGE_SIZE * page + i + 1}. ${oneLine(hit.title) || hit.id}`, 100),
        value: hit.id,
        description: truncatePlain([hit.firstAuthor, hit.date, hit.id].filter(Boolean).join(' · '), 100),
      }));
    if (options.length) {
      components.push({
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.StringSelect, custom_id: encodeCustomId('paper', 'open'), placeholder: t('paper.search.open'), options }],
      });
      const papers = input.hits.map(({ hit }) => ({ id: hit.id, title: hit.title, titleOriginal: null, authors: hit.firstAuthor ? [hit.firstAuthor] : [] }));
      components.push(...saveMenuRows(papers, { first: PAGE_SIZE * page + 1, rows: 1, placeholder: t('paper.save.placeholder') }));
    }
  }
  return { embeds: [embed], components };
}

/**
 * Runs `query` and builds its results page: the one way `/paper search`, its paging buttons and the local preview
 * get a page. Looks the hits up in the store for their links, authors and abstracts (the index keeps only titles).
 */
export async function searchResultsPage(
  archive: Pick<Archive, 'index' | 'stores'>,
  input: { query: string; page: number; owner: string; t: Translate },
): Promise<{ message: ReturnType<typeof searchPage>; total: number }> {
  const result = archive.index.search(input.query, { limit: PAGE_SIZE, offset: input.page * PAGE_SIZE });
  const papers = await archive.stores.papers.getMany(result.results.map((r) => r.id));
  const message = searchPage({
    ...input,
    total: result.total,
    relaxed: result.relaxed,
    errors: result.errors,
    hits: result.results.map((hit, i) => ({ hit, paper: papers[i] })),
    ...(result.total === 0 ? { help: explainNoMatch(archive.index, input.query) } : {}),
  });
  return { message, total: result.total };
}

/**
 * The "why nothing matched" lines: words no paper holds, spellings the archive knows, the other language's terms,
 * the English-metadata hint.
 */
function helpLines({ help, t }: SearchPageInput): string[] {
  if (!help) return [];
  const quote = (w: string) => `“${escapeMarkdown(truncatePlain(w, 40))}”`;
  const out: string[] = [];
  if (help.unmatched.length) out.push(t('paper.search.unmatched', { words: help.unmatched.slice(0, 8).map(quote).join(', ') }));
  if (help.suggestions.length) out.push(t('paper.search.didYouMean', { suggestions: help.suggestions.slice(0, 8).map((s) => quote(s.suggestion)).join(', ') }));
  if (help.translations.length) {
    const pairs = help.translations.slice(0, 8).map((x) => `${quote(x.word)} → ${quote(x.term)}`);
    out.push(t('paper.search.otherLanguage', { terms: pairs.join(', ') }));
  }
  if (help.englishShare !== null) out.push(t('paper.search.englishHint', { share: Math.round(help.englishShare * 100) }));
  return out;
}

/** The query of a results message, read back from its footer (for paging). */
export function queryFromFooter(footer: string | null | undefined): string | null {
  if (!footer) return null;
  const at = footer.indexOf(QUERY_MARK);
  return at === -1 ? null : footer.slice(at + QUERY_MARK.length);
}

function footerText(pageInfo: string, query: string): string {
  // The footer is plain text (no markdown), so the query is stored verbatim; it is at most 2048 characters.
  return `${pageInfo} · ${QUERY_MARK}${query}`.slice(0, LIMITS.footer);
}

/** One hit as listed on a page: linked title with matched words in bold, authors · date · id, a snippet. */
export function resultLines(n: number, hit: SearchHit, paper: Paper | undefined): string {
  const title = highlight(oneLine(hit.title), hit.matchedTerms, 180) || escapeMarkdown(hit.id);
  const url = paper ? paperUrl(paper) : null;
  const head = `**${n}.** ${url ? maskedLink(title, url) : title}`;
  const meta = [paper ? authorLine(paper.authors) : hit.firstAuthor, hit.date, hit.id]
    .filter((x): x is string => Boolean(x))
    .map((x) => escapeMarkdown(x))
    .join(' · ');
  const snippetSource = paper?.abstract ?? paper?.abstractOriginal ?? '';
  const snippet = snippetSource ? highlight(snippetSource, hit.matchedTerms, 160) : '';
  return [head, meta, snippet ? `> ${snippet}` : ''].filter(Boolean).join('\n');
}

function button(label: string, customId: string, disabled: boolean): APIComponentInMessageActionRow {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: customId, disabled };
}
