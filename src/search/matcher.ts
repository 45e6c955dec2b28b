/**
 * Subscription matching: compiled keyword expressions (the query language of `parseQuery`) tested against
 * each new paper. Subscriptions are indexed by one required key (a Latin stem or the first bigram of a CJK
 * word, taken from their most selective AND-group), so a paper only meets the subscriptions that share a
 * key with it instead of every subscription.
 *
 * Matching rules, stricter than search because a subscription delivers without a human in the loop:
 * - Latin words compare by stem, never as substrings (`GAN` matches `GANs`, not `organ`).
 * - A CJK word must occur in the text AND line up with `Intl.Segmenter` word boundaries, so a keyword
 *   never matches across two words (`和服` does not match `和服务`). It may also be the head or tail of one
 *   longer segment (`模型` in a text segmented `大模型`), or a word of 3+ characters that starts on a boundary
 *   with 2+ whole characters and runs into the next segment (`数据集` in 现有|数据|集中); a single character must
 *   be a whole word.
 * - A hyphenated keyword means adjacent words or the joined spelling (`multi-modal`: multi modal, multimodal);
 *   a paper's glued names count as their parts (`NeRF` in FrugalNeRF, never `GAN` in organ).
 */
import { paperCategories } from '../digest/categories.ts';
import type { Paper } from '../digest/types.ts';
import { alignsWithWords, cjkBigrams, tokenizeNormalized, type Token } from './analyzer.ts';
import { compoundTerms } from './compounds.ts';
import { anyCategoryMatches } from './categories.ts';
import { nameMatches, surnameCandidates } from './names.ts';
import { normalizeText } from './normalize.ts';
import { parseQuery, type ParsedQuery, type QueryItem } from './query.ts';
import { expandAcrossLanguages, type TermTable } from './term-table.ts';

/** A subscription as stored: its id and the expression the user typed. */
export interface SubscriptionInput {
  id: string;
  expression: string;
}

/** One subscription that matched a paper, with the keywords (as typed, normalised) that matched. */
export interface SubscriptionMatch {
  subscriptionId: string;
  matchedKeywords: string[];
}

/** Compiled subscriptions. */
export interface SubscriptionMatcher {
  /** Number of compiled subscriptions. */
  readonly size: number;
  /** Subscriptions whose expression had problems (they are still compiled as far as they parse). */
  readonly errors: { subscriptionId: string; errors: string[] }[];
  /** Subscriptions matching a paper, in input order. */
  match(paper: Paper): SubscriptionMatch[];
}

interface Compiled {
  order: number;
  id: string;
  q: ParsedQuery;
  /** The last paper (`match` call) this subscription was collected for: a cheaper "seen" than a Set per paper. */
  seenBy: number;
}

/** Builds a matcher from subscriptions added in parts, so a caller can give the event loop turns in between. */
export interface SubscriptionCompiler {
  /** Compiles more subscriptions; they match after the ones added before. */
  add(subs: readonly SubscriptionInput[]): void;
  /** The matcher over everything added (adding more afterwards is not supported). */
  finish(): SubscriptionMatcher;
}

/**
 * Compiles subscription expressions into an indexed matcher. Never throws; empty expressions never match.
 * `terms` expands keywords across languages (term-table.ts); the bot passes none — measured, expansion costs
 * subscriptions too much precision (src/search/README.md) — and only `bench/search-quality.ts` uses it.
 */
export function compileSubscriptions(subs: readonly SubscriptionInput[], terms: TermTable | null = null): SubscriptionMatcher {
  const compiler = subscriptionCompiler(terms);
  compiler.add(subs);
  return compiler.finish();
}

/**
 * `compileSubscriptions` in parts: 10,000 expressions take tens of milliseconds to parse, too long for one stretch
 * of the bot's event loop, so the planner adds them a slice at a time.
 */
export function subscriptionCompiler(terms: TermTable | null = null): SubscriptionCompiler {
  const byKey = new Map<string, Compiled[]>();
  const always: Compiled[] = [];
  const errors: { subscriptionId: string; errors: string[] }[] = [];
  let size = 0;
  let order = 0;
  return {
    add(subs) {
      for (const s of subs) {
        const parsed = parseQuery(s.expression);
        const q = terms ? expandAcrossLanguages(parsed, terms) : parsed;
        if (q.errors.length > 0) errors.push({ subscriptionId: s.id, errors: q.errors });
        const at = order++;
        if (q.groups.length === 0 && q.authors.length === 0 && q.sources.length === 0 && q.categories.length === 0) continue;
        const c: Compiled = { order: at, id: s.id, q, seenBy: -1 };
        size++;
        const keys = requiredKeys(q);
        if (!keys) always.push(c);
        else for (const k of keys) push(byKey, k, c);
      }
    },
    finish: () => matcherOver(byKey, always, errors, size),
  };
}

function matcherOver(
  byKey: ReadonlyMap<string, Compiled[]>,
  always: readonly Compiled[],
  errors: { subscriptionId: string; errors: string[] }[],
  size: number,
): SubscriptionMatcher {
  let calls = 0;
  return {
    size,
    errors,
    match(paper: Paper): SubscriptionMatch[] {
      const view = new PaperView(paper);
      const call = calls++;
      const cands: Compiled[] = [...always];
      for (const k of view.keys()) {
        const list = byKey.get(k);
        if (!list) continue;
        for (const c of list) {
          if (c.seenBy !== call) {
            c.seenBy = call;
            cands.push(c);
          }
        }
      }
      cands.sort((a, b) => a.order - b.order);
      const out: SubscriptionMatch[] = [];
      for (const c of cands) {
        const kw = matchQuery(c.q, view);
        if (kw) out.push({ subscriptionId: c.id, matchedKeywords: kw });
      }
      return out;
    },
  };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Lookup key of a token: `L:` + stem, or `C:` + first bigram (or the lone character). */
function tokenKey(t: Token): string {
  return t.kind === 'latin' ? `L:${t.term}` : `C:${cjkBigrams(t.term)[0]!}`;
}

/** Keys of the most selective group (fewest items), one per item; null when only date/source filters remain. */
function requiredKeys(q: ParsedQuery): string[] | null {
  let best: QueryItem[] | null = null;
  for (const g of q.groups) if (!best || g.length < best.length) best = g;
  if (best) return best.map((item) => tokenKey(item.tokens[0]!));
  const a = q.authors[0];
  if (!a?.[0]) return null;
  // A name may be written surname first or last (`Levine, S.` / `Sergey Levine`): either word may be the one shared.
  if (a.every((t) => t.kind === 'latin')) return surnameCandidates(a.map((t) => t.term)).map((w) => `L:${w}`);
  return [tokenKey(a[0])];
}

/** A paper prepared for matching: normalised field texts, stems and lookup keys, computed once. */
class PaperView {
  readonly fields: string[];
  readonly stems = new Set<string>();
  /** Per field, stemmed Latin tokens in order (for phrase adjacency). */
  readonly latinSeqs: string[];
  /** Per author, its words in order (stems), for name forms (see names.ts). */
  readonly authors: string[][];
  /** Categories (arXiv and bioRxiv/medRxiv), when the paper was looked up. */
  readonly categories: string[];
  /** Normalised author names (their CJK characters are lookup keys too, for `author:张伟`). */
  readonly authorNames: string[];
  readonly source: string;
  readonly date: string;
  /** CJK runs of the fields and author names (tokenised once; the lookup keys come from them). */
  private readonly cjkRuns: string[] = [];

  constructor(p: Paper) {
    const variants = (p.variants ?? []).flatMap((v) => [v.title, v.abstract]);
    // The English title and abstract looked up in arXiv/bioRxiv are in titleOriginal/abstractOriginal; other
    // wordings (another digest's translation) are in variants.
    const raw = [p.title, p.titleOriginal, p.abstract, p.abstractOriginal, p.notes, ...variants].filter((x): x is string => !!x);
    this.fields = raw.map((x) => normalizeText(x));
    // Joined hyphenated forms and glued-name parts (`multimodal` for multi-modal, `nerf` in FrugalNeRF).
    for (const f of raw) for (const t of compoundTerms(f)) this.stems.add(t);
    // The fields are normalised already: tokenise each once, for stems, phrase sequences and CJK keys.
    this.latinSeqs = this.fields.map((f) => {
      const seq: string[] = [];
      for (const t of tokenizeNormalized(f)) {
        if (t.kind === 'latin') seq.push(t.term);
        else this.cjkRuns.push(t.term);
      }
      for (const s of seq) this.stems.add(s);
      return ` ${seq.join(' ')} `;
    });
    this.authorNames = p.authors.map((a) => normalizeText(a));
    this.authors = this.authorNames.map((a) => {
      const tokens = tokenizeNormalized(a);
      for (const t of tokens) if (t.kind === 'cjk') this.cjkRuns.push(t.term);
      return tokens.map((t) => t.term);
    });
    this.categories = paperCategories(p);
    for (const a of this.authors) for (const t of a) this.stems.add(t);
    this.source = normalizeText(p.source ?? '');
    this.date = p.date ?? p.published ?? '';
  }

  *keys(): Iterable<string> {
    for (const s of this.stems) yield `L:${s}`;
    const seen = new Set<string>();
    for (const run of this.cjkRuns) {
      for (const k of [...cjkBigrams(run), ...Array.from(run)]) {
        if (!seen.has(k)) {
          seen.add(k);
          yield `C:${k}`;
        }
      }
    }
  }

  /** Verdicts per CJK word: many subscriptions share keywords, and segmenting is the costly part. */
  private readonly cjkCache = new Map<string, boolean>();

  /** True when the CJK word occurs on word boundaries in some field. */
  hasCjkWord(word: string): boolean {
    let found = this.cjkCache.get(word);
    if (found !== undefined) return found;
    found = false;
    outer: for (const f of this.fields) {
      for (let i = f.indexOf(word); i >= 0; i = f.indexOf(word, i + 1)) {
        if (alignsWithWords(f, i, i + word.length, true)) {
          found = true;
          break outer;
        }
      }
    }
    this.cjkCache.set(word, found);
    return found;
  }
}

function itemMatches(item: QueryItem, v: PaperView): boolean {
  for (const t of item.tokens) {
    if (t.kind === 'latin' ? !v.stems.has(t.term) : !v.hasCjkWord(t.term)) return false;
  }
  if (!item.phrase) return true;
  const latin = item.tokens.filter((t) => t.kind === 'latin').map((t) => t.term);
  if (item.tokens.some((t) => t.kind === 'cjk')) {
    // Mixed or CJK phrase: the phrase text itself (spaces between CJK runs dropped) must be in one field.
    const compact = item.text.replace(/\s+/g, ' ').trim();
    const noSpace = compact.replace(/(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu, '');
    return v.fields.some((f) => f.includes(compact) || f.includes(noSpace));
  }
  const needle = ` ${latin.join(' ')} `;
  return v.latinSeqs.some((s) => s.includes(needle));
}

/** Returns the matched keywords, or null when the expression does not match the paper. */
function matchQuery(q: ParsedQuery, v: PaperView): string[] | null {
  if (q.sources.length > 0 && !q.sources.includes(v.source)) return null;
  if (q.from && (!v.date || v.date < q.from)) return null;
  if (q.to && (!v.date || v.date > q.to)) return null;
  if (q.categories.length > 0 && !anyCategoryMatches(q.categories, v.categories)) return null;
  for (const a of q.authors) {
    const words = a.map((t) => t.term);
    if (!v.authors.some((author) => nameMatches(words, author))) return null;
  }
  // A set: a hyphenated keyword is two items (phrase, joined) with the same text.
  const matched: string[] = [];
  for (const g of q.groups) {
    let any = false;
    for (const item of g) {
      if (!itemMatches(item, v)) continue;
      any = true;
      if (!matched.includes(item.text)) matched.push(item.text);
    }
    if (!any) return null;
  }
  for (const x of q.exclude) if (itemMatches(x, v)) return null;
  return matched;
}
