/**
 * A reader's profile for recommendations (arxiv-sanity's per-user model, kept to what the index already does):
 * the words of their saved papers' titles — Chinese words by `Intl.Segmenter`, English words of the original or
 * English title — weighted by how many saved papers share each, become one OR-group over the recent papers, and
 * BM25 ranks the candidates, so that rare shared words weigh most. Pure.
 */
import type { Paper } from '../digest/types.ts';
import { tokenize } from './analyzer.ts';
import { normalizeText } from './normalize.ts';
import { MAX_ITEMS, type ParsedQuery, type QueryItem } from './query.ts';

/** English words that say nothing about a subject. */
const STOPWORDS = new Set(
  'a an and are as at be by for from in into is of on or the to via with without towards toward using based its their our we this that new study approach method methods'.split(' '),
);
const CJK = /[\u3400-\u9fff]/;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The distinct subject words of one paper's titles. */
function titleWords(paper: Pick<Paper, 'title' | 'titleOriginal'>): Set<string> {
  const words = new Set<string>();
  for (const { segment, isWordLike } of segmenter.segment(paper.title.slice(0, 500))) {
    if (!isWordLike) continue;
    const word = normalizeText(segment);
    if (CJK.test(word) ? Array.from(word).length >= 2 : word.length >= 3 && !STOPWORDS.has(word)) words.add(word);
  }
  for (const token of tokenize((paper.titleOriginal ?? '').slice(0, 500))) {
    if (token.kind === 'latin' && token.surface.length >= 3 && !STOPWORDS.has(token.surface)) words.add(token.surface);
  }
  return words;
}

/**
 * The query of a profile: the `limit` words most shared among `papers` (ties: longer words first, as they are
 * more specific), as alternatives of one group, with `from` as the date filter. Empty groups when no word is found.
 */
export function profileQuery(papers: ReadonlyArray<Pick<Paper, 'title' | 'titleOriginal'>>, opts: { from?: string | null; limit?: number } = {}): ParsedQuery {
  const counts = new Map<string, number>();
  for (const paper of papers) for (const word of titleWords(paper)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length || a[0].localeCompare(b[0]));
  const items: QueryItem[] = [];
  for (const [word] of ranked) {
    if (items.length >= Math.min(opts.limit ?? MAX_ITEMS, MAX_ITEMS)) break;
    const tokens = tokenize(word);
    if (tokens.length > 0) items.push({ text: word, tokens, phrase: false });
  }
  return { groups: items.length ? [items] : [], exclude: [], authors: [], sources: [], from: opts.from ?? null, to: null, lastIsPrefix: false, errors: [] };
}
