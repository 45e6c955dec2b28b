/**
 * How a paper becomes indexed fields: title (translated + original title + id), authors, abstract
 * (translated + original), and its categories as filter terms. The English title and abstract looked up in
 * arXiv/bioRxiv live in `titleOriginal`/`abstractOriginal`, so they are indexed like a digest's own English text.
 * How the fields are weighed lives in `ranking.ts`.
 */
import { paperCategories } from '../digest/categories.ts';
import type { Paper } from '../digest/types.ts';
import { tokenize, cjkBigrams, type Token } from './analyzer.ts';
import { compoundTerms } from './compounds.ts';
import { categoryTerm } from './categories.ts';
import { normalizeText } from './normalize.ts';

/** Separates fields inside a doc's Latin token stream so that phrases never match across fields. */
export const FIELD_SEP = '|';

/** Everything the index derives from one paper. */
export interface AnalysedDoc {
  /** term → [title tf, author tf, abstract tf] */
  tf: Map<string, [number, number, number]>;
  lenTitle: number;
  lenAuthor: number;
  lenAbstract: number;
  /** Tokens of the original (English) title, 0 when the paper has none: Latin query words are normalised by it. */
  lenOriginalTitle: number;
  /** Normalised title and original title, for phrase checks, title bonuses and suggestions. */
  titleNorm: string;
  /**
   * Stemmed Latin tokens of the title (with original title and ids) and of each author, fields separated by `|`,
   * for exact phrase and author-name checks.
   */
  latin: string;
  /** Stemmed Latin tokens of the abstracts (the two separated by `|`), for phrase checks. */
  latinAbstract: string;
}

function addTokens(tokens: Token[], field: 0 | 1 | 2, tf: AnalysedDoc['tf'], latin: string[]): number {
  let n = 0;
  for (const t of tokens) {
    const terms = t.kind === 'latin' ? [t.term] : cjkBigrams(t.term);
    if (t.kind === 'latin') latin.push(t.term);
    for (const term of terms) {
      let e = tf.get(term);
      if (!e) tf.set(term, (e = [0, 0, 0]));
      e[field]++;
      n++;
    }
  }
  return n;
}

/**
 * Adds the extra terms of hyphenated words and glued names (`compounds.ts`) to a field. They do not count
 * towards the field's length: they are other spellings of words already counted, not more words.
 */
function addCompounds(text: string | null | undefined, field: 0 | 1 | 2, tf: AnalysedDoc['tf']): void {
  for (const term of compoundTerms(text ?? '')) {
    let e = tf.get(term);
    if (!e) tf.set(term, (e = [0, 0, 0]));
    e[field]++;
  }
}

/** The id without its `arxiv:`/`doi:` scheme, tokenised into the title field so ids are searchable. */
function idText(p: Paper): string {
  return [p.arxivId, p.doi].filter(Boolean).join(' ');
}

/** Analyses a paper into per-field term frequencies and the stored normalised texts. */
export function analyseDoc(p: Paper): AnalysedDoc {
  const tf: AnalysedDoc['tf'] = new Map();
  const latin: string[] = [];
  const titleText = [p.title, p.titleOriginal ?? '', ...(p.variants ?? []).map((v) => v.title ?? '')].join('\n');
  const titleNorm = normalizeText(titleText);
  // Two title lengths: CJK query words are normalised by the displayed title only (papers that also carry
  // an English original title must not be penalised against papers that do not), Latin ones by the
  // original title when there is one (a translated title says nothing about the English one's length).
  const lenTitle = addTokens(tokenize(p.title), 0, tf, latin);
  const lenOriginalTitle = addTokens(tokenize(p.titleOriginal ?? ''), 0, tf, latin);
  addTokens(tokenize(idText(p)), 0, tf, latin);
  latin.push(FIELD_SEP);
  let lenAuthor = 0;
  for (const a of p.authors) {
    lenAuthor += addTokens(tokenize(a), 1, tf, latin);
    latin.push(FIELD_SEP);
  }
  const abstractLatin: string[] = [];
  const lenAbstract =
    addTokens(tokenize(p.abstract ?? ''), 2, tf, abstractLatin) +
    (abstractLatin.push(FIELD_SEP), addTokens(tokenize(p.abstractOriginal ?? ''), 2, tf, abstractLatin));
  if (abstractLatin.length === 1) abstractLatin.length = 0;
  // Other wordings (another digest's translation) are searchable too; like compounds they add terms, not
  // length, so a paper published twice is not judged a longer paper.
  const variantLatin: string[] = [];
  for (const v of p.variants ?? []) {
    addTokens(tokenize(v.title ?? ''), 0, tf, variantLatin);
    addTokens(tokenize(v.abstract ?? ''), 2, tf, variantLatin);
    addCompounds(v.title, 0, tf);
    addCompounds(v.abstract, 2, tf);
  }
  addCompounds(p.title, 0, tf);
  addCompounds(p.titleOriginal, 0, tf);
  addCompounds(p.abstract, 2, tf);
  addCompounds(p.abstractOriginal, 2, tf);
  // Categories are filter terms (`cat:cs.cv`), never scored and not counted in any field's length.
  for (const c of paperCategories(p)) if (!tf.has(categoryTerm(c))) tf.set(categoryTerm(c), [0, 0, 1]);
  return { tf, lenTitle, lenAuthor, lenAbstract, lenOriginalTitle, titleNorm, latin: latin.join(' '), latinAbstract: abstractLatin.join(' ') };
}
