/**
 * Typo candidates for a query word. Corrections are generated on the stem AND on the surface form as typed,
 * then stemmed: `housinng` is one edit from `housing` (stem `hous`) but two from any stem, so stems alone
 * miss typos in inflected words.
 */
import type { Token } from './analyzer.ts';
import { stem } from './stem.ts';
import type { TermDictionary } from './term-dictionary.ts';

/** Index terms (stems) at edit distance 1 from the word's stem or from its surface form. */
export function typoCandidates(tok: Token, dict: TermDictionary): Set<string> {
  const out = dict.edits1(tok.term);
  // Stemmed, the corrected surface form may differ from every edit of the stem (`housinng` → housing → hous).
  for (const v of dict.edits1(tok.surface)) out.add(stem(v));
  out.delete(tok.term);
  return out;
}
