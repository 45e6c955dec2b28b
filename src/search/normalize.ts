/**
 * Text normalisation shared by indexing, queries, subscriptions and highlighting, so that every path
 * compares the same forms: NFKC (full-width ＧＲＰＯ → GRPO, compatibility ideographs), lower case, and
 * Latin diacritics folded (é → e) because users rarely type them.
 */

/** Han, Hiragana, Katakana and the CJK compatibility blocks: scripts written without spaces. */
export const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

/** True when `ch` (one code point) belongs to a script written without spaces. */
export function isCjk(ch: string): boolean {
  return CJK_CHAR.test(ch);
}

const COMBINING = /\p{M}+/gu;
const POSSESSIVE = /(?<=\p{L})['’]s\b/gu;

/**
 * Normalises text for comparison. Length-preserving is NOT guaranteed (NFKC may expand), so callers that
 * need offsets into the original text (highlighting) normalise per token instead.
 */
export function normalizeText(text: string): string {
  // NFD then drop marks folds Latin accents; NFKC afterwards recomposes anything CJK/compat-related.
  // A possessive `'s` would otherwise become a stray required token `s` (`LLM's` → llm + s).
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING, '')
    .normalize('NFKC')
    .replace(POSSESSIVE, '');
}
