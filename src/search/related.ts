/**
 * "More like this": the papers closest to one paper by the same index that answers searches. The paper's
 * title words (Chinese words by `Intl.Segmenter`, English words of the original title) become one OR-group,
 * so every paper sharing any of them is a candidate and BM25 ranks them — rare shared words weigh most.
 */
import type { Paper, PaperId } from '../digest/types.ts';
import { segmentWords, tokenize } from './analyzer.ts';
import { normalizeText, CJK_CHAR } from './normalize.ts';
import { MAX_ITEMS, type ParsedQuery, type QueryItem } from './query.ts';
import type { SearchHit, SearchIndex } from './search-index.ts';

/** English words that say nothing about a paper's subject; CJK function words are single characters, dropped by length. */
const STOPWORDS = new Set(
  'a an and are as at be by for from in into is of on or the to via with without towards toward using based its their our we this that'.split(' '),
);

/** The query that finds a paper's neighbours: its distinct title words, as alternatives of one group. */
export function relatedQuery(paper: Paper): ParsedQuery {
  const items: QueryItem[] = [];
  const seen = new Set<string>();
  const add = (word: string): void => {
    const text = normalizeText(word);
    const tokens = tokenize(text);
    if (tokens.length === 0 || seen.has(text) || items.length >= MAX_ITEMS) return;
    seen.add(text);
    items.push({ text, tokens, phrase: false });
  };
  for (const w of segmentWords(paper.title)) {
    if (CJK_CHAR.test(w) ? Array.from(w).length >= 2 : w.length >= 3 && !STOPWORDS.has(w.toLowerCase())) add(w);
  }
  for (const t of tokenize(paper.titleOriginal ?? '')) if (t.kind === 'latin' && t.surface.length >= 3 && !STOPWORDS.has(t.surface)) add(t.surface);
  return { groups: items.length ? [items] : [], exclude: [], authors: [], sources: [], categories: [], from: null, to: null, lastIsPrefix: false, errors: [] };
}

/** Up to `limit` papers closest to `paper`, best first, never the paper itself. */
export function relatedPapers(index: Pick<SearchIndex, 'searchParsed'>, paper: Paper, limit = 5): SearchHit[] {
  const q = relatedQuery(paper);
  if (q.groups.length === 0) return [];
  const ids = new Set<PaperId>([paper.id]);
  return index
    .searchParsed(q, { limit: limit + 1 })
    .results.filter((r) => !ids.has(r.id))
    .slice(0, limit);
}
