/**
 * The analyzer: turns text into index terms, the same way for documents, search queries and subscriptions.
 *
 * - Latin (and every other space-separated script): runs of letters/digits, normalised, lightly stemmed.
 * - CJK (no spaces): overlapping character bigrams of each run (`视频事件` → 视频 频事 事件); a run of one
 *   character stays a unigram. Bigrams were chosen over `Intl.Segmenter` words for the index because they do
 *   not depend on how the segmenter happens to split a word in context (`下一视频事件预测` vs the query
 *   `视频事件预测`), and because segmenting is ~20× slower (bench/search.ts compares both on known-item queries).
 * - Mixed text splits at script changes: `GRPO强化学习` → `grpo` + bigrams of `强化学习`.
 */
import { normalizeText, CJK_CHAR } from './normalize.ts';
import { stem } from './stem.ts';

/** One token of analysed text: a Latin word or a maximal CJK run. */
export interface Token {
  kind: 'latin' | 'cjk';
  /** Latin: the stem; CJK: the normalised run itself. */
  term: string;
  /** Latin: the normalised surface form before stemming (used for prefix matching); CJK: same as `term`. */
  surface: string;
  /**
   * Set on the joined form a query builds from a hyphenated word (`t-cell` → `tcell`): it is never
   * typo-corrected, since one edit away lie the separate parts (`cell`), which the hyphen rules out.
   */
  joined?: true;
}

/**
 * Longest token, in UTF-16 units: a longer run is split into pieces of this size, the same way in documents and
 * queries. Unbounded runs made V8's regex engine overflow its stack on a 6-million-letter "word" (issue 15).
 */
export const MAX_TOKEN_LENGTH = 100;
/** Longest CJK run taken at once (its bigrams are the terms; only the one bigram across a cut is lost). */
const MAX_CJK_RUN = 1000;

// A token is a CJK run or a run of letters/digits of any other script; everything else separates tokens.
const TOKEN = new RegExp(
  // `v` flag for set subtraction (Latin-like letters minus CJK); built at run time because tsc targets ES2023.
  String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]{1,${MAX_CJK_RUN}}|[[\p{L}\p{N}]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]]{1,${MAX_TOKEN_LENGTH}}`,
  'gv',
);

/** Splits normalised text into Latin words and CJK runs. `text` must already be normalised. */
export function tokenizeNormalized(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const s = m[0];
    if (CJK_CHAR.test(s[0] ?? '')) out.push({ kind: 'cjk', term: s, surface: s });
    else out.push({ kind: 'latin', term: stem(s), surface: s });
  }
  return out;
}

/** Normalises then tokenises. */
export function tokenize(text: string): Token[] {
  return tokenizeNormalized(normalizeText(text));
}

/** The bigrams of one CJK run (code-point aware); a one-character run yields itself. */
export function cjkBigrams(run: string): string[] {
  const chars = Array.from(run);
  if (chars.length <= 1) return chars;
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** Index terms of a token: its stem (Latin) or its bigrams (CJK). */
export function tokenTerms(token: Token): string[] {
  return token.kind === 'latin' ? [token.term] : cjkBigrams(token.term);
}

/** All index terms of a text, in order (repeats kept so callers can count term frequency). */
export function analyze(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (t.kind === 'latin') out.push(t.term);
    else for (const b of cjkBigrams(t.term)) out.push(b);
  }
  return out;
}

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/**
 * CJK words by `Intl.Segmenter` (kept for the bench's comparison and for the subscription matcher's
 * word-boundary checks; the index itself uses bigrams).
 */
export function segmentWords(text: string): string[] {
  const out: string[] = [];
  for (const s of segmenter.segment(text)) if (s.isWordLike) out.push(s.segment);
  return out;
}

/**
 * Offsets (UTF-16) at which `Intl.Segmenter` puts a word boundary in `text`, including 0 and text.length.
 * The matcher uses them to refuse CJK matches that straddle words (`和服` inside `和服务`).
 */
export function wordBoundaries(text: string): Set<number> {
  const out = new Set<number>([0, text.length]);
  for (const s of segmenter.segment(text)) {
    out.add(s.index);
    out.add(s.index + s.segment.length);
  }
  return out;
}

/** Characters of context segmented around a CJK match: enough for the segmenter to see both neighbours. */
const CONTEXT = 12;

/**
 * True when [start, end) of `text` covers whole `Intl.Segmenter` words, or is the head or tail of one longer
 * word (`模型` in a text segmented `大模型`); with `phraseEdge` (the subscription matcher) also a 3+ character
 * word starting on a boundary whose whole segments cover 2+ characters before it runs into the next segment
 * (`数据集` in 现有|数据|集中). A single character must be a whole word. Search keeps the strict rule for its
 * title bonus: measured, the lenient one only reshuffled ranks (bench:quality zh-sub MRR 0.915 → 0.914).
 * Only the match and a few characters around it are segmented.
 */
export function alignsWithWords(text: string, start: number, end: number, phraseEdge = false): boolean {
  const from = Math.max(0, start - CONTEXT);
  const ctx = text.slice(from, Math.min(text.length, end + CONTEXT));
  const s = start - from;
  const e = end - from;
  const segs = [...segmenter.segment(ctx)].map((x) => [x.index, x.index + x.segment.length] as const);
  const startOk = segs.some(([a]) => a === s);
  const endOk = segs.some(([, b]) => b === e);
  if (startOk && endOk) return true;
  if (e - s < 2) return false;
  // Head or tail of a single longer segment: 模型 inside a segment 大模型, 图像 inside 图像学.
  if (segs.some(([a, b]) => a <= s && e <= b && (a === s || b === e))) return true;
  // A whole word at the edge of a longer phrase, which the segmenter cut differently: 数据集 in 现有|数据|集中,
  // 机器人 in 智能|机器|人的. The word starts on a boundary and its whole segments cover 2+ characters before
  // it runs into the next one; 和服 in 和|服务 (one whole character) and 大模型 in 扩大|模型 (starts inside
  // a word) stay refused.
  if (!phraseEdge || !startOk || e - s < 3) return false;
  let covered = s;
  for (const [a, b] of segs) if (a === covered && b < e) covered = b;
  return covered - s >= 2 && segs.some(([a, b]) => a === covered && b > e);
}

/** True when the CJK word occurs in `text` lined up with word boundaries (see `alignsWithWords`). */
export function hasCjkWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (alignsWithWords(text, i, i + word.length)) return true;
  }
  return false;
}
