/**
 * What the preview shows, read from the archive with the bot's own builders: each digest packed by
 * `packDigestMessages` exactly as the planner packs it for a channel, and search results built by `searchResultsPage`
 * from `archive.index.search` exactly as `/paper search` builds them.
 */
import type { Archive } from '../archive.ts';
import type { Paper } from '../digest/types.ts';
import { sourceName } from '../discord/embeds.ts';
import { packDigestMessages, type ChannelMode } from '../discord/messages.ts';
import { searchResultsPage } from '../discord/search-page.ts';
import { oneLine } from '../discord/markdown.ts';
import { translator, type Locale } from '../i18n/index.ts';
import type { PreviewBody, PreviewPost } from './render.ts';

/** Digests per preview page: a large archive is paged rather than rendered at once. */
export const DIGESTS_PER_PAGE = 10;
/** `/paper search`'s limit on the query option. */
export const MAX_QUERY = 200;

/** A page of digest posts. */
export interface PostsPage {
  posts: PreviewPost[];
  /** Digests the store lists (dated, with papers: the ones the bot posts). */
  total: number;
  hasOlder: boolean;
}

/** A page of search results, as the message `/paper search` replies with. */
export interface ResultsPage {
  body: PreviewBody;
  total: number;
}

/** The preview's content over one archive. */
export interface PreviewContent {
  /** Papers in the search index. */
  papers(): number;
  posts(mode: ChannelMode, page: number): Promise<PostsPage>;
  search(query: string, page: number): Promise<ResultsPage>;
}

/** The preview's content read from `archive`, in `locale` (the planner posts in en-US). */
export function previewContent(archive: Archive, locale: Locale = 'en-US'): PreviewContent {
  const t = translator(locale);
  return {
    papers: () => archive.index.size,
    async posts(mode, page) {
      // The planner never posts undated digests, or digests without papers (those are at most a notice).
      const digests = (await archive.stores.digests.list()).filter((d) => d.date !== null && d.status === 'ok' && d.paperIds.length > 0);
      const start = Math.max(0, page) * DIGESTS_PER_PAGE;
      const shown = digests.slice(start, start + DIGESTS_PER_PAGE);
      const posts: PreviewPost[] = [];
      for (const digest of shown) {
        const papers = (await archive.stores.papers.getMany(digest.paperIds)).filter((p): p is Paper => p !== undefined);
        const batch = { source: digest.source, date: digest.date, papers };
        const time = `${sourceName(digest.source)} · ${digest.date ?? ''}`;
        if (mode === 'thread') {
          const plan = packDigestMessages(batch, 'thread', { locale });
          posts.push({ time, messages: [plan.header], thread: { name: plan.threadName, messages: plan.messages } });
        } else {
          posts.push({ time, messages: packDigestMessages(batch, mode, { locale }) });
        }
      }
      return { posts, total: digests.length, hasOlder: start + DIGESTS_PER_PAGE < digests.length };
    },
    async search(rawQuery, rawPage) {
      // As `/paper search` does: the option is one line of at most 200 characters.
      const query = oneLine(rawQuery).slice(0, MAX_QUERY);
      const page = Math.max(0, Math.floor(rawPage) || 0);
      const { message: body, total } = await searchResultsPage(archive, { query, page, owner: '*', t });
      return { body, total };
    },
  };
}
