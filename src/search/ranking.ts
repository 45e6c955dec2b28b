/**
 * Every ranking setting in one place: BM25+ per field (weights, length normalisation, saturation, lower bound),
 * the weights of prefix completions and typo corrections, and the title re-ranking bonuses. The scoring loops
 * live in `search-index.ts`; what they weigh lives here, so a ranking change is a change to this file.
 */
import { hasCjkWord } from './analyzer.ts';
import { CJK_CHAR } from './normalize.ts';

/** BM25 weight per field (each field scored on its own, with its own document frequency, then summed). */
export const FIELD_WEIGHTS = { title: 3, author: 2.5, abstract: 1 } as const;
/** Length-normalisation strength per field. */
export const FIELD_B = { title: 0.5, author: 0.3, abstract: 0.75 } as const;
/** BM25 saturation. */
export const K1 = 1.2;
/**
 * BM25+ lower bound per matching field: a word found in a long title still counts clearly more than no
 * match at all, so length normalisation cannot push a long exact title below short noisy ones.
 */
export const BM25_DELTA = 0.5;

/** Weight of a typo-corrected term relative to the exact term. */
export const TYPO_WEIGHT = 0.35;
/**
 * Weight of a query word's other-language term (term-table.ts), scored only for papers the word itself missed:
 * a translated match is weaker evidence than the word as typed. `npm run bench:quality`: 0.3 reached slightly
 * fewer cross-language targets (en→zh hit@3 0.065 vs 0.070) and changed nothing else.
 */
export const TRANSLATION_WEIGHT = 0.5;
/** Weight of a prefix-completed term. */
export const PREFIX_WEIGHT = 0.7;
/** The last word is completed as a prefix only while the word itself is rarer than this. */
export const PREFIX_MAX_DF = 50;
/** Score multiplier for a title holding every exact query form (see `titleBonus`). */
export const TITLE_BONUS = 0.5;
/** Score multiplier for a title holding every CJK query word on `Intl.Segmenter` word boundaries. */
export const CJK_WORD_BONUS = 0.25;
/** The word-boundary check segments text, so it runs on this many best results only (≈10 µs each). */
export const CJK_WORD_RERANK = 30;
/** The largest factor `titleBonus` gives. */
export const TITLE_BONUS_MAX = (1 + TITLE_BONUS) * (1 + CJK_WORD_BONUS);
/** Results re-ranked with the exact-title bonus (cheap string checks on a short list only). */
export const RERANK = 200;

/**
 * How a query unit is scored: `all-fields` (search), `title-only` (suggestions), `filter` (exclusions: slots
 * only, no score).
 */
export type ScoreMode = 'all-fields' | 'title-only' | 'filter';

/** What `bm25Plus` never reaches, whatever the frequency and length: the bound top-k pruning relies on. */
export const BM25_PLUS_MAX = BM25_DELTA + K1 + 1;

/** The BM25+ term-frequency part: saturated tf, length-normalised (`rel` = length / average), plus delta. */
export function bm25Plus(tf: number, b: number, rel: number): number {
  return BM25_DELTA + (tf * (K1 + 1)) / (tf + K1 * (1 - b + b * rel));
}

/** The query forms the title re-ranking looks for (see `titleBonus`). */
export interface TitleForms {
  /** CJK runs of 3+ characters and phrases, matched verbatim. */
  runs: string[];
  /** Latin words as typed (unstemmed), matched as whole words. */
  latin: string[];
  /** CJK words of 2+ characters, matched on `Intl.Segmenter` word boundaries. */
  cjk: string[];
}

/**
 * The re-ranking factor of a result at `rank` whose normalised title is `title`:
 * - the query's CJK runs of 3+ characters verbatim, its phrases, and its Latin words as whole words in
 *   their unstemmed form (`paint`: Fibril Paint over Cell Painting, which only shares the stem);
 * - its CJK words lined up with `Intl.Segmenter` word boundaries (`和服` in 日本|和服|的 rather than
 *   straddling 和|服务), the rule subscriptions use. Segmenting costs, so only the first
 *   `CJK_WORD_RERANK` results are checked; a bonus only ever lifts a paper, so lower ones are not missed
 *   unfairly by much.
 */
export function titleBonus(title: string, forms: TitleForms, rank: number): number {
  const exact = forms.runs.length + forms.latin.length;
  let factor = 1;
  if (exact > 0) {
    let found = 0;
    for (const r of forms.runs) if (title.includes(r)) found++;
    for (const w of forms.latin) if (hasWord(title, w)) found++;
    factor *= 1 + (TITLE_BONUS * found) / exact;
  }
  if (forms.cjk.length > 0 && rank < CJK_WORD_RERANK) {
    let words = 0;
    for (const w of forms.cjk) if (hasCjkWord(title, w)) words++;
    factor *= 1 + (CJK_WORD_BONUS * words) / forms.cjk.length;
  }
  return factor;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** True when `word` occurs in `text` with no letter or digit of a Latin-like script on either side. */
export function hasWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    const before = text[i - 1];
    const after = text[i + word.length];
    const edge = (c: string | undefined): boolean => c === undefined || !WORD_CHAR.test(c) || CJK_CHAR.test(c);
    if (edge(before) && edge(after)) return true;
  }
  return false;
}
