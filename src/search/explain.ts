/**
 * Why a search found nothing, and what to try: which words match no paper at all, a spelling the archive
 * does know for each of them, the other language's term for each of them (term-table.ts) when papers hold it,
 * and — when the words are English while most recent papers are Chinese-only — that English matching depends on
 * the papers' English metadata (titles/abstracts from arXiv or bioRxiv).
 */
import { parseQuery, type ParsedQuery, type QueryItem } from './query.ts';
import type { SearchIndex } from './search-index.ts';
import { stem } from './stem.ts';
import { TermDictionary } from './term-dictionary.ts';
import { ARCHIVE_TERMS, translationOf, type TermTable } from './term-table.ts';

/** What `explainNoMatch` found. */
export interface NoMatchHelp {
  /** Words (as typed, normalised) that match no paper at all, even alone. */
  unmatched: string[];
  /** For unmatched Latin words, the closest spelling the archive holds (one edit away), most frequent first. */
  suggestions: { word: string; suggestion: string }[];
  /** For unmatched words, the other language's term from the archive's bilingual titles, when some paper holds it. */
  translations: { word: string; term: string }[];
  /** Share of recent papers with an English title, when every query word is English and that share is under half; else null. */
  englishShare: number | null;
}

/** Below this share of recent papers with English titles, English-only queries get the metadata hint. */
const ENGLISH_HINT_BELOW = 0.5;

const edits = new TermDictionary(() => []);

function alone(item: QueryItem): ParsedQuery {
  return { groups: [[item]], exclude: [], authors: [], sources: [], categories: [], from: null, to: null, lastIsPrefix: false, errors: [] };
}

/** Explains an empty result for `query` (call it only when the search found nothing). */
export function explainNoMatch(
  index: Pick<SearchIndex, 'searchParsed' | 'termFrequency' | 'englishShare'>,
  query: string,
  terms: TermTable | null = ARCHIVE_TERMS,
): NoMatchHelp {
  const q = parseQuery(query);
  const items = q.groups.flat();
  const unmatched: string[] = [];
  const suggestions: NoMatchHelp['suggestions'] = [];
  const translations: NoMatchHelp['translations'] = [];
  const done = new Set<string>();
  for (const item of items) {
    if (done.has(item.text)) continue; // a hyphenated word is two items with one text
    done.add(item.text);
    const siblings = items.filter((i) => i.text === item.text);
    if (siblings.some((i) => index.searchParsed(alone(i), { limit: 0 }).total > 0)) continue;
    unmatched.push(item.text);
    const other = terms ? siblings.map((i) => translationOf(i, terms)).find((t) => t !== null) : null;
    if (other && index.searchParsed(alone(other), { limit: 0 }).total > 0) translations.push({ word: item.text, term: other.text });
    const latin = item.tokens.length === 1 && item.tokens[0]!.kind === 'latin' ? item.tokens[0]! : null;
    if (!latin || latin.surface.length < 3 || /\d/.test(latin.surface)) continue;
    let best: { word: string; df: number } | null = null;
    for (const candidate of edits.edits1(latin.surface)) {
      const df = index.termFrequency(stem(candidate));
      if (df > 0 && (!best || df > best.df)) best = { word: candidate, df };
    }
    if (best) suggestions.push({ word: item.text, suggestion: best.word });
  }
  const allEnglish = items.length > 0 && items.every((i) => i.tokens.every((t) => t.kind === 'latin'));
  const share = allEnglish ? index.englishShare() : 1;
  return { unmatched, suggestions, translations, englishShare: share < ENGLISH_HINT_BELOW ? share : null };
}
