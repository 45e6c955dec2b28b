/**
 * How a paper becomes indexed fields: title (translated + original title + id), authors, abstract
 * (translated + original). How the fields are weighed lives in `ranking.ts`.
 */
import type { Paper } from '../digest/types.ts';
import { tokenize, cjkBigrams, type Token } from './analyzer.ts';
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
  /** Stemmed Latin tokens of every field in order, fields separated by `|`, for exact phrase checks. */
  latin: string;
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

/** The id without its `arxiv:`/`doi:` scheme, tokenised into the title field so ids are searchable. */
function idText(p: Paper): string {
  return [p.arxivId, p.doi].filter(Boolean).join(' ');
}

/** Analyses a paper into per-field term frequencies and the stored normalised texts. */
export function analyseDoc(p: Paper): AnalysedDoc {
  const tf: AnalysedDoc['tf'] = new Map();
  const latin: string[] = [];
  const titleText = [p.title, p.titleOriginal ?? ''].join('\n');
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
  const lenAbstract =
    addTokens(tokenize(p.abstract ?? ''), 2, tf, latin) +
    (latin.push(FIELD_SEP), addTokens(tokenize(p.abstractOriginal ?? ''), 2, tf, latin));
  return { tf, lenTitle, lenAuthor, lenAbstract, lenOriginalTitle, titleNorm, latin: latin.join(' ') };
}
