/**
 * The search index: BM25+ per field (title/author/abstract) with CJK bigrams, phrases, exclusions, filters,
 * prefix and typo tolerance, incremental add/remove, suggestions and binary snapshots. Pure: papers and
 * queries in, ranked ids out.
 */
import type { Paper, PaperId } from '../digest/types.ts';
import { cjkBigrams, type Token } from './analyzer.ts';
import { analyseDoc, FIELD_SEP } from './doc-fields.ts';
import { CJK_CHAR, normalizeText } from './normalize.ts';
import { categoryTerm } from './categories.ts';
import { nameMatches, surnameCandidates } from './names.ts';
import { PostingStore, packTf, tfAbstract, tfAuthor, tfTitle, type PostingSource } from './postings.ts';
import {
  bm25Plus,
  BM25_PLUS_MAX,
  FIELD_B,
  FIELD_WEIGHTS,
  PREFIX_MAX_DF,
  PREFIX_WEIGHT,
  RERANK,
  titleBonus,
  TITLE_BONUS_MAX,
  TRANSLATION_WEIGHT,
  TYPO_WEIGHT,
  type ScoreMode,
  type TitleForms,
} from './ranking.ts';
import { Slab } from './slab.ts';
import { has, intersect, kthLargest, subtract, topK, unionAll } from './slot-sets.ts';
import { typoCandidates } from './typos.ts';
import { parseQuery, isEmptyQuery, type ParsedQuery, type QueryItem } from './query.ts';
import {
  decodeSnapshot,
  encodeSnapshot,
  encodeSnapshotBuffer,
  LENS_PER_DOC as L,
  type DecodedSnapshot,
  type SnapshotDocsSource,
} from './snapshot.ts';
import { lowerBound, TermDictionary } from './term-dictionary.ts';
import { TokenStreams } from './token-streams.ts';
import { ARCHIVE_TERMS, expandAcrossLanguages, type TermTable } from './term-table.ts';
import { Interner, SlotTable, StringColumn } from './string-column.ts';

/** Terms with at least this many postings keep their per-field document frequencies between queries. */
const FIELD_DF_CACHE_MIN = 2048;
/** Marks in `candidate`: a candidate to score, and one with a title or author match (see `scoreTitledFirst`). */
const UNTIERED = 1;
const TITLED = 2;
/** Titled candidates are scored first only when the candidates outnumber the results wanted this many times. */
const PRUNE_MIN_RATIO = 4;

/** One search result, with enough metadata to render it without the store. */
export interface SearchHit {
  id: PaperId;
  score: number;
  title: string;
  firstAuthor: string | null;
  date: string | null;
  source: string;
  /** Index forms of the query words this paper matched (Latin stems, CJK runs): pass to `highlight`. */
  matchedTerms: string[];
}

/** A page of results. */
export interface SearchResult {
  /** Number of matching papers (all pages). */
  total: number;
  results: SearchHit[];
  /** Query problems worth showing the user (invalid date, truncated query…). */
  errors: string[];
  /** True when no paper matched every word and the results match only some of them. */
  relaxed: boolean;
}

/** Paging options. */
export interface SearchOptions {
  limit?: number;
  offset?: number;
}

/** An autocomplete choice. */
export interface Suggestion {
  id: PaperId;
  title: string;
}

/** Thrown by `SearchIndex.fromSnapshot` for a buffer that is not a snapshot of a supported format. */
export class SnapshotError extends Error {}

/** One form of a query word with its decoded postings and per-field weights (idf × field weight × form weight). */
interface Alt {
  term: string;
  slots: Int32Array;
  packs: Uint32Array;
  wTitle: number;
  wAuthor: number;
  wAbstract: number;
}
/** A query word (Latin) or bigram (CJK): its forms, the union of their slots, and how it is scored. */
interface Unit {
  alts: Alt[];
  slots: Int32Array;
  /** Length-normalised by the original (English) title. */
  byOriginal: boolean;
}
interface TokenPlan {
  label: string;
  kind: Token['kind'];
  units: Unit[];
}
interface ItemPlan {
  item: QueryItem;
  tokens: TokenPlan[];
  slots: Int32Array;
  /** For a translated item: the slots its group's typed items matched (the translation scores only the others). */
  typed?: Int32Array;
}

/** A paper the index had to leave out, and why. */
export interface SkippedPaper {
  id: PaperId;
  reason: string;
}

/** An in-memory, snapshot-able full-text index of papers. */
export class SearchIndex {
  private postings = new PostingStore();
  private dict = new TermDictionary(() => this.postings.terms);
  /** Per-slot strings: UTF-8 columns for those read per result only, interned strings for repeated values. */
  private ids = new StringColumn();
  private slotOf = new SlotTable(this.ids);
  private titles = new StringColumn();
  private firstAuthors = new StringColumn();
  private titleNorms = new StringColumn();
  private dates: string[] = [];
  private sources: string[] = [];
  private interner = new Interner();
  /** Stemmed Latin token streams per slot, for phrase and same-author checks. */
  private latins = new TokenStreams(FIELD_SEP);
  private alive = new Uint8Array(1024);
  /** Per slot: title, author, abstract and original-title lengths (`L` = 4 values). */
  private lens = new Uint16Array(L * 1024);
  /** YYYYMMDD per slot (0 when undated), so tie-breaking compares numbers, not strings. */
  private days = new Uint32Array(1024);
  /** Sums of the live papers' lengths per field, and how many of them have an original title. */
  private totals = [0, 0, 0, 0];
  private withOriginal = 0;
  private live = 0;
  /** Scores by slot of the candidates a query ranks (zeroed again after it). */
  private scratch = new Float64Array(0);
  /** Per-query scratch memory: posting slots, intersections and unions are carved from it, never allocated. */
  private slab = new Slab();
  /** Per-field document frequencies of common terms: term id → [df when counted, title, author, abstract]. */
  private dfCache = new Map<number, Uint32Array>();
  /** The final candidates of the query being scored (see `score`); all zero between queries. */
  private candidate = new Uint8Array(0);
  /** Tests: score every posting and re-rank every title, the reference the shortcuts (`score`, `applyTitleBonus`) must agree with. */
  private exhaustive = false;
  /** Live slots in id order (for id-prefix suggestions), built on first use. */
  private sortedIds: Int32Array | null = null;
  /** Shortest last word completed as a prefix: 3 for searches (2 letters match half the vocabulary), 2 for suggest. */
  private minPrefix = 3;
  /** English ↔ Chinese terms `search` adds to a query (term-table.ts); null: words are searched as typed only. */
  private terms: TermTable | null = ARCHIVE_TERMS;
  /**
   * Scores by position in the list of candidates being scored (see `scoreTier`): the sums, one word's best form
   * (`scoreUnit`), and translated items apart until it is known which papers the typed word missed (all zero
   * between uses).
   */
  private dense = new Float64Array(0);
  private denseAlt = new Float64Array(0);
  private denseSide = new Float64Array(0);
  /** A set of slots marked for one membership test (see `withMembers`); all zero otherwise. */
  private memberMark = new Uint8Array(0);

  /** Sets the term table `search` expands queries with (null turns expansion off: the bench compares both). */
  useTermTable(terms: TermTable | null): void {
    this.terms = terms;
  }

  /** Number of (live) papers. */
  get size(): number {
    return this.live;
  }

  /**
   * Adds papers; a paper whose id is already indexed replaces its old version. A paper that cannot be indexed
   * costs that paper only: it is left out and returned with the reason, the others are indexed.
   */
  add(papers: Iterable<Paper>): SkippedPaper[] {
    const skipped: SkippedPaper[] = [];
    for (const p of papers) {
      try {
        this.addOne(p);
      } catch (error) {
        this.remove(p.id);
        skipped.push({ id: p.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    // Sort new terms now, at ingest, rather than inside the next prefix query.
    this.dict.refresh();
    return skipped;
  }

  /** Removes a paper; returns false when it was not indexed. */
  remove(id: PaperId): boolean {
    const slot = this.slotOf.delete(id);
    if (slot === undefined) return false;
    this.alive[slot] = 0;
    for (let f = 0; f < L; f++) this.totals[f]! -= this.lens[slot * L + f]!;
    if (this.lens[slot * L + 3]! > 0) this.withOriginal--;
    this.live--;
    this.sortedIds = null;
    return true;
  }

  /** Number of papers holding the index term (a stem or bigram), removed ones included until a rebuild. */
  termFrequency(term: string): number {
    return this.postings.df(this.postings.lookup(term));
  }

  /** Share of the `recent` most recently added live papers with an English title (original, or the title itself). */
  englishShare(recent = 1000): number {
    let seen = 0;
    let english = 0;
    for (let slot = this.ids.length - 1; slot >= 0 && seen < recent; slot--) {
      if (!this.alive[slot]) continue;
      seen++;
      if (this.lens[slot * L + 3]! > 0 || !CJK_CHAR.test(this.titles.get(slot))) english++;
    }
    return seen === 0 ? 1 : english / seen;
  }

  /** True when the paper is indexed. */
  has(id: PaperId): boolean {
    return this.slotOf.get(id) !== undefined;
  }

  private addOne(p: Paper): void {
    this.remove(p.id);
    const slot = this.ids.length;
    const d = analyseDoc(p);
    this.ensureSlots(slot + 1);
    this.ids.push(p.id);
    this.titles.push(p.title || p.titleOriginal || '');
    this.firstAuthors.push(p.authors[0] ?? '');
    this.dates.push(this.interner.intern(p.date ?? p.published ?? ''));
    this.days[slot] = dayNumber(p.date ?? p.published ?? '');
    this.sources.push(this.interner.intern(normalizeText(p.source)));
    this.titleNorms.push(d.titleNorm);
    this.latins.push(d.latin, d.latinAbstract);
    this.alive[slot] = 1;
    const lens = [d.lenTitle, d.lenAuthor, d.lenAbstract, d.lenOriginalTitle];
    for (let f = 0; f < L; f++) {
      this.lens[slot * L + f] = Math.min(lens[f]!, 65535);
      this.totals[f]! += this.lens[slot * L + f]!;
    }
    if (d.lenOriginalTitle > 0) this.withOriginal++;
    const tf = new Map<number, number>();
    for (const [term, [t, a, b]] of d.tf) tf.set(this.postings.intern(term), packTf(t, a, b));
    this.postings.addDoc(slot, tf);
    this.slotOf.set(p.id, slot);
    this.live++;
    this.sortedIds = null;
  }

  private ensureSlots(n: number): void {
    if (n <= this.alive.length) return;
    const cap = Math.max(n, this.alive.length * 2);
    const alive = new Uint8Array(cap);
    alive.set(this.alive);
    this.alive = alive;
    const lens = new Uint16Array(cap * L);
    lens.set(this.lens);
    this.lens = lens;
    const days = new Uint32Array(cap);
    days.set(this.days);
    this.days = days;
  }

  /** Searches with the query language of `parseQuery`; never throws. Ties are broken newest first. */
  search(query: string, options: SearchOptions = {}): SearchResult {
    const q = parseQuery(query);
    return this.run(this.terms ? expandAcrossLanguages(q, this.terms) : q, options, false);
  }

  /** Runs an already parsed query. */
  searchParsed(q: ParsedQuery, options: SearchOptions = {}): SearchResult {
    return this.run(q, options, false);
  }

  /**
   * Autocomplete over ids and titles: an id prefix (`2511.166`, `arxiv:2511`, `10.1101/…`) lists ids in
   * order; anything else is a title-only search with the last word as a prefix.
   */
  suggest(prefix: string, limit = 25): Suggestion[] {
    const p = normalizeText(String(prefix ?? '').slice(0, 200)).trim();
    const lim = Math.max(0, Math.min(limit, 100));
    if (!p || lim === 0) return [];
    if (/^(?:arxiv:|doi:|url:|\d{4}\.\d|10\.\d)/.test(p)) {
      const order = this.idOrder();
      const idAt = (i: number): string => this.ids.get(order[i]!);
      const wanted = /^(?:arxiv|doi|url):/.test(p) ? [p] : [`arxiv:${p}`, `doi:${p}`];
      const out: Suggestion[] = [];
      for (const w of wanted) {
        for (let i = lowerBound(0, order.length, idAt, w); i < order.length && out.length < lim && idAt(i).startsWith(w); i++) {
          out.push({ id: idAt(i), title: this.titles.get(order[i]!) });
        }
      }
      return out;
    }
    const q = parseQuery(p);
    q.lastIsPrefix = true;
    this.minPrefix = 2;
    try {
      return this.run(q, { limit: lim }, true).results.map((r) => ({ id: r.id, title: r.title }));
    } finally {
      this.minPrefix = 3;
    }
  }

  /** Live slots sorted by id; the id strings are decoded for the sort only, not kept. */
  private idOrder(): Int32Array {
    if (!this.sortedIds) {
      const slots = Int32Array.from(this.slotOf.slots());
      const ids = Array.from(slots, (s) => this.ids.get(s));
      const order = Array.from(slots.keys()).sort((a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
      this.sortedIds = Int32Array.from(order, (i) => slots[i]!);
    }
    return this.sortedIds;
  }

  private run(q: ParsedQuery, options: SearchOptions, titleOnly: boolean): SearchResult {
    const limit = clampInt(options.limit, 10, 0, 1000);
    const offset = clampInt(options.offset, 0, 0, 1_000_000);
    const none: SearchResult = { total: 0, results: [], errors: q.errors, relaxed: false };
    if (isEmptyQuery(q) || this.live === 0) return none;
    this.slab.reset();
    const mode: ScoreMode = titleOnly ? 'title-only' : 'all-fields';
    // Postings are decoded and combined first, scored once the candidates are known (see `score`).
    const lastGroup = q.groups.length - 1;
    const groupPlans = q.groups.map((g, gi) => this.planGroup(g, q.lastIsPrefix && gi === lastGroup, mode));
    let cand: Int32Array | null = null;
    for (const plans of groupPlans) {
      const g = unionAll(plans.map((p) => p.slots), this.slab);
      cand = cand ? intersect(cand, g, this.slab) : g;
    }
    let relaxed = false;
    const unitCount = groupPlans.flat().reduce((n, p) => n + p.tokens.reduce((m, t) => m + t.units.length, 0), 0);
    if (cand && cand.length === 0 && unitCount > 1) {
      relaxed = true;
      cand = unionAll(groupPlans.flat().flatMap((p) => p.tokens.flatMap((t) => t.units.map((u) => u.slots))), this.slab);
    }
    for (const a of q.authors) {
      const slots = this.authorSlots(a);
      cand = cand ? intersect(cand, slots, this.slab) : slots;
    }
    if (q.categories.length > 0) {
      const slots = this.categorySlots(q.categories);
      cand = cand ? intersect(cand, slots, this.slab) : slots;
    }
    if (!cand) cand = this.allSlots();
    if (q.exclude.length > 0) {
      const ex = unionAll(q.exclude.map((item) => this.planItem(item, false, 'filter').slots), this.slab);
      cand = subtract(cand, ex);
    }
    // Filters that need per-document values.
    const kept = this.slab.alloc(cand.length);
    let nKept = 0;
    const { sources, from, to } = q;
    const alive = this.alive;
    // Per-paper values are read only for the filters the query has: this loop runs over every candidate.
    const filtered = sources.length > 0 || from !== null || to !== null;
    for (let at = 0; at < cand.length; at++) {
      const slot = cand[at]!;
      if (alive[slot] === 0) continue;
      if (filtered) {
        if (sources.length > 0 && !sources.includes(this.sources[slot]!)) continue;
        const date = this.dates[slot]!;
        if (from && (!date || date < from)) continue;
        if (to && (!date || date > to)) continue;
      }
      kept[nKept++] = slot;
    }
    const need = offset + limit;
    if (need === 0) return { ...none, total: nKept, relaxed };
    const k = Math.max(need, RERANK);
    const ranked = this.score(groupPlans, kept.subarray(0, nKept), mode, k);
    const score = this.scratch;
    try {
      const top = topK(ranked, k, score, this.days, this.slab, (a, b) => this.compare(a, b));
      this.applyTitleBonus(top, groupPlans, need);
      top.sort((a, b) => this.compare(a, b));
      const page = top.slice(offset, need);
      const results = page.map((slot) => ({
        id: this.ids.get(slot),
        score: Math.round(score[slot]! * 1e4) / 1e4,
        title: this.titles.get(slot),
        firstAuthor: this.firstAuthors.get(slot) || null,
        date: this.dates[slot] || null,
        source: this.sources[slot]!,
        matchedTerms: matchedTerms(slot, groupPlans),
      }));
      return { total: nKept, results, errors: q.errors, relaxed };
    } finally {
      // Only the ranked candidates were scored: zeroing them restores an all-zero scratch for the next query.
      for (let at = 0; at < ranked.length; at++) score[ranked[at]!] = 0;
    }
  }

  /** Score desc, then newest date, then latest added. */
  private compare(a: number, b: number): number {
    const d = this.scratch[b]! - this.scratch[a]!;
    if (Math.abs(d) > 1e-9) return d;
    const dd = this.days[b]! - this.days[a]!;
    return dd !== 0 ? dd : b - a;
  }

  /**
   * Re-ranks the best results (`slots`, sorted) by how exactly their titles hold the query as typed (see
   * `titleBonus`), as far as the first `need` can change: a result whose score times the largest bonus stays below
   * the `need`-th score cannot reach the page, so its title is not decoded and checked.
   */
  private applyTitleBonus(slots: number[], plans: ItemPlan[][], need: number): void {
    const forms: TitleForms = { runs: [], latin: [], cjk: [] };
    for (const p of plans.flat()) {
      if (p.item.translated) continue;
      for (const t of p.item.tokens) {
        if (t.kind === 'cjk' && t.term.length >= 3) forms.runs.push(t.term);
        else if (t.kind === 'latin' && t.surface.length >= 3) forms.latin.push(t.surface);
        if (t.kind === 'cjk' && t.term.length >= 2) forms.cjk.push(t.term);
      }
      if (p.item.phrase) forms.runs.push(p.item.text);
    }
    if (forms.runs.length + forms.latin.length + forms.cjk.length === 0) return;
    const score = this.scratch;
    const floor = slots.length > need && !this.exhaustive ? score[slots[need - 1]!]! / TITLE_BONUS_MAX - 1e-6 : -Infinity;
    slots.forEach((slot, rank) => {
      if (score[slot]! >= floor) score[slot]! *= titleBonus(this.titleNorms.get(slot), forms, rank);
    });
  }

  /** Decodes a term's postings, slots and packed frequencies, into slab memory (valid until the query ends). */
  private decode(id: number): { slots: Int32Array; packs: Uint32Array } {
    const n = this.postings.df(id);
    const slots = this.slab.alloc(n);
    const raw = this.slab.alloc(n);
    const count = this.postings.decodeInto(id, slots, new Uint32Array(raw.buffer, raw.byteOffset, n));
    return { slots: slots.subarray(0, count), packs: new Uint32Array(raw.buffer, raw.byteOffset, count) };
  }

  private allSlots(): Int32Array {
    const out: number[] = [];
    for (let s = 0; s < this.ids.length; s++) if (this.alive[s]) out.push(s);
    return Int32Array.from(out);
  }

  private authorSlots(tokens: Token[]): Int32Array {
    const latin = tokens.filter((t) => t.kind === 'latin').map((t) => t.term);
    // Latin names: any form of the name (`Zhang Wei` ↔ `Zhang, W.`), checked on each author (see names.ts).
    if (latin.length === tokens.length && latin.length >= 2) {
      const cand = unionAll(surnameCandidates(latin).map((w) => this.authorTermSlots(w)), this.slab);
      const out: number[] = [];
      for (let at = 0; at < cand.length; at++) {
        const slot = cand[at]!;
        if (this.latins.fields(slot).some((f) => nameMatches(latin, f))) out.push(slot);
      }
      return Int32Array.from(out);
    }
    let acc: Int32Array | null = null;
    for (const t of tokens) {
      const terms = t.kind === 'latin' ? [t.term] : cjkBigrams(t.term);
      for (const term of terms) {
        const s = this.authorTermSlots(term);
        acc = acc ? intersect(acc, s, this.slab) : s;
      }
    }
    return acc ?? new Int32Array(0);
  }

  /** Slots whose author field holds `term`. */
  private authorTermSlots(term: string): Int32Array {
    const { slots, packs } = this.decode(this.postings.lookup(term));
    let k = 0;
    for (let i = 0; i < slots.length; i++) if (tfAuthor(packs[i]!) > 0) slots[k++] = slots[i]!;
    return slots.subarray(0, k);
  }

  /** Slots with a category under any of the patterns (`cs.cv`, `cs.*`, `cs`, a subject name). */
  private categorySlots(patterns: string[]): Int32Array {
    const lists: Int32Array[] = [];
    for (const p of patterns) {
      const exact = p.endsWith('*') ? [] : [categoryTerm(p)];
      const prefix = categoryTerm(p.endsWith('*') ? p.slice(0, -1) : `${p}.`);
      for (const term of [...exact, ...this.dict.withPrefix(prefix, 10_000)]) {
        const id = this.postings.lookup(term);
        if (id >= 0) lists.push(this.decode(id).slots);
      }
    }
    return unionAll(lists, this.slab);
  }

  /**
   * Resolves an item to units (one per Latin word, one per CJK bigram) with their alternatives and decoded
   * postings, and computes the slots matching the whole item (phrases verified on the stored texts).
   */
  private planItem(item: QueryItem, prefixLast: boolean, mode: ScoreMode, settled?: Int32Array): ItemPlan {
    const tokens: TokenPlan[] = [];
    item.tokens.forEach((tok, ti) => {
      const isLast = prefixLast && ti === item.tokens.length - 1;
      if (tok.kind === 'latin') {
        const alts = this.latinAlts(tok, isLast, mode !== 'filter');
        tokens.push({ label: tok.term, kind: 'latin', units: [this.unit(alts, mode, 'latin')] });
      } else {
        const chars = Array.from(tok.term);
        const units =
          chars.length === 1 && isLast
            ? [this.unit(this.prefixAlts(tok.term, 1, true).slice(0, 8), mode, 'cjk')]
            : cjkBigrams(tok.term).map((b) => this.unit([{ term: b, weight: 1 }], mode, 'cjk'));
        tokens.push({ label: tok.term, kind: 'cjk', units });
      }
    });
    let slots: Int32Array | null = null;
    const units = tokens.flatMap((t) => t.units).sort((a, b) => a.slots.length - b.slots.length);
    for (const u of units) slots = slots ? intersect(slots, u.slots, this.slab) : u.slots;
    slots ??= new Int32Array(0);
    if (item.phrase) slots = this.verifyPhrase(item, slots, settled);
    return { item, tokens, slots };
  }

  /**
   * Plans one OR-group: the typed items first, then the translated ones (term-table.ts), which remember the typed
   * items' slots: a translation scores (see `scoreTranslation`) only the papers the typed words missed.
   */
  private planGroup(group: QueryItem[], prefixLast: boolean, mode: ScoreMode): ItemPlan[] {
    const plans = group.map((item, ii) => (item.translated ? null : this.planItem(item, prefixLast && ii === group.length - 1, mode)));
    if (plans.every((p) => p !== null)) return plans;
    const typed = unionAll(plans.flatMap((p) => (p ? [p.slots] : [])), this.slab);
    return group.map((item, ii) => plans[ii] ?? this.planTranslation(item, typed, mode));
  }

  private planTranslation(item: QueryItem, typed: Int32Array, mode: ScoreMode): ItemPlan {
    if (mode === 'filter') return this.planItem(item, false, mode);
    // A translation decides only the papers the typed items missed, so only those need its phrase checked.
    return { ...this.planItem(item, false, mode, typed), typed };
  }

  /**
   * Runs `fn` with a membership test for `sorted` (ascending slots) that will be asked about `probes` slots: by
   * binary search when the probes are few next to the set (a common word's 24,000 titled papers against its 340,000
   * typed matches), else by marking the set in `memberMark` for the call.
   */
  private withMembers<T>(sorted: Int32Array, probes: number, fn: (isMember: (slot: number) => boolean) => T): T {
    if (sorted.length * 2 >= probes * Math.log2(sorted.length + 2)) return fn((slot) => has(sorted, slot));
    if (this.memberMark.length < this.ids.length) this.memberMark = new Uint8Array(Math.ceil(this.ids.length * 1.25));
    const mark = this.memberMark;
    for (let at = 0; at < sorted.length; at++) mark[sorted[at]!] = 1;
    try {
      return fn((slot) => mark[slot] === 1);
    } finally {
      for (let at = 0; at < sorted.length; at++) mark[sorted[at]!] = 0;
    }
  }

  /** Exact stem, plus prefix completions (last word) and typo corrections (rare or unknown words ≥5 letters; never for exclusions). */
  private latinAlts(tok: Token, prefix: boolean, typos: boolean): { term: string; weight: number }[] {
    const alts = new Map<string, number>([[tok.term, 1]]);
    const exactDf = this.postings.df(this.postings.lookup(tok.term));
    // A complete common word needs no completion; completing it would only add noise and work.
    if (prefix && tok.surface.length >= this.minPrefix && exactDf < PREFIX_MAX_DF) {
      for (const a of this.prefixAlts(tok.surface, 2, false)) if (!alts.has(a.term)) alts.set(a.term, a.weight);
    }
    if (typos && !tok.joined && tok.surface.length >= 5 && tok.term.length >= 5 && exactDf < 3 && !/\d/.test(tok.surface)) {
      for (const v of typoCandidates(tok, this.dict)) {
        if (!alts.has(v) && this.postings.df(this.postings.lookup(v)) > exactDf) alts.set(v, TYPO_WEIGHT);
      }
    }
    return [...alts].map(([term, weight]) => ({ term, weight }));
  }

  private prefixAlts(prefix: string, minLen: number, cjk: boolean): { term: string; weight: number }[] {
    if (prefix.length < minLen) return [];
    // By id: a common character starts thousands of bigrams, and looking each up again by its string cost milliseconds.
    const found = this.dict
      .idsWithPrefix(prefix, 1000)
      .map((id) => ({ term: this.postings.term(id), df: this.postings.df(id) }))
      .filter((f) => f.term !== prefix);
    found.sort((a, b) => b.df - a.df);
    return found.slice(0, 16).map(({ term }) => ({ term, weight: cjk ? 1 : PREFIX_WEIGHT }));
  }

  /**
   * Decodes one query unit's forms into slab memory, with their per-field weights: BM25+ idf per field with each
   * field's own document frequency (a word rare in titles but common in abstracts is a strong title clue). Scoring
   * waits until the candidates are known (`score`). Suggestions keep the postings with a title match only.
   */
  private unit(alts: { term: string; weight: number }[], mode: ScoreMode, kind: Token['kind']): Unit {
    const N = Math.max(this.live, 1);
    const out: Alt[] = [];
    for (const { term, weight } of alts) {
      const id = this.postings.lookup(term);
      if (id < 0) continue;
      const { slots, packs } = this.decode(id);
      let count = slots.length;
      let [wTitle, wAuthor, wAbstract] = [0, 0, 0];
      if (mode !== 'filter') {
        const [dfTitle, dfAuthor, dfAbstract] = this.fieldDfs(id, count, packs);
        const idf = (df: number): number => Math.log(1 + (N - df + 0.5) / (df + 0.5)) * weight;
        wTitle = idf(dfTitle) * FIELD_WEIGHTS.title;
        wAuthor = idf(dfAuthor) * FIELD_WEIGHTS.author;
        wAbstract = idf(dfAbstract) * FIELD_WEIGHTS.abstract;
      }
      if (mode === 'title-only') {
        let k = 0;
        for (let i = 0; i < count; i++) {
          if (tfTitle(packs[i]!) === 0) continue;
          slots[k] = slots[i]!;
          packs[k++] = packs[i]!;
        }
        count = k;
      }
      if (count > 0 || mode === 'filter') out.push({ term, slots: slots.subarray(0, count), packs: packs.subarray(0, count), wTitle, wAuthor, wAbstract });
    }
    const slots = out.length === 1 ? out[0]!.slots : unionAll(out.map((a) => a.slots), this.slab);
    return { alts: out, slots, byOriginal: kind === 'latin' };
  }

  /**
   * Scores the final candidates `cands` into the scratch array, unit by unit in query order, enough to rank the best
   * `k` exactly. Only the postings of candidates are scored: when a common word meets a rarer one, a filter or an
   * exclusion, most of its postings belong to papers that are not results. Of many candidates, those matching
   * in a title or an author are scored first; the others are scored only when one of them could still reach the
   * best `k` (see `scoreTitledFirst`). Returns the candidates the best `k` are among (all, or the titled ones).
   */
  private score(groupPlans: ItemPlan[][], cands: Int32Array, mode: ScoreMode, k: number): Int32Array {
    const size = this.ids.length;
    if (this.scratch.length < size) this.scratch = new Float64Array(Math.max(1024, Math.ceil(size * 1.25)));
    if (this.candidate.length < this.scratch.length) this.candidate = new Uint8Array(this.scratch.length);
    const mark = this.candidate;
    const everything = this.exhaustive;
    let list = cands;
    if (everything) {
      list = this.slab.alloc(size);
      for (let s = 0; s < size; s++) list[s] = s;
      mark.fill(UNTIERED, 0, size);
    } else {
      // The scratch array is all zero here (`run` zeroes what it ranked).
      for (let at = 0; at < cands.length; at++) mark[cands[at]!] = UNTIERED;
    }
    try {
      if (!everything && mode === 'all-fields' && cands.length > k * PRUNE_MIN_RATIO) return this.scoreTitledFirst(groupPlans, cands, k);
      this.scoreTier(groupPlans, mode, UNTIERED, list);
      return cands;
    } finally {
      if (everything) mark.fill(0, 0, size);
      else for (let at = 0; at < cands.length; at++) mark[cands[at]!] = 0;
    }
  }

  /**
   * Scores the candidates marked `tier` (`list`: exactly those, ascending) into the scratch array. The scores add up
   * in a dense array indexed by position in `list`, so the writes stay in cache; a million-paper scratch array took a
   * cache miss per posting. The typed items first, then the translations (which score only what the typed missed).
   * Returns the dense scores, valid until the next call (the caller may reorder them).
   */
  private scoreTier(groupPlans: ItemPlan[][], mode: ScoreMode, tier: number, list: Int32Array): Float64Array {
    const n = list.length;
    if (this.dense.length < n) {
      const cap = Math.max(1024, Math.ceil(n * 1.25));
      this.dense = new Float64Array(cap);
      this.denseAlt = new Float64Array(cap);
      this.denseSide = new Float64Array(cap);
    }
    const acc = this.dense;
    acc.fill(0, 0, n);
    for (const plans of groupPlans) {
      for (const p of plans) if (!p.item.translated) for (const t of p.tokens) for (const u of t.units) this.scoreUnit(u, acc, list, mode, tier);
      for (const p of plans) if (p.item.translated) this.scoreTranslation(p, list, mode, tier);
    }
    const scratch = this.scratch;
    for (let j = 0; j < n; j++) scratch[list[j]!] = acc[j]!;
    return acc;
  }

  /**
   * Top-k pruning over two tiers (MaxScore, with the packed frequencies as the tier key): a candidate with no title
   * or author match in any unit scores at most every unit's abstract weight times the BM25+ ceiling. The titled
   * candidates are marked and scored first; when `k` of them beat that bound, the rest cannot enter the best `k`
   * and are left unscored (zero). A common word (`的`, `模型`) is in a third of a million abstracts, and in far
   * fewer titles. Returns the candidates the best `k` are among: the titled ones when they hold them, else all
   * (the rest scored too).
   */
  private scoreTitledFirst(groupPlans: ItemPlan[][], cands: Int32Array, k: number): Int32Array {
    const mark = this.candidate;
    let titled = 0;
    let bound = 0;
    for (const plans of groupPlans) {
      for (const p of plans) {
        let item = 0;
        for (const t of p.tokens) {
          for (const u of t.units) {
            let best = 0;
            for (const a of u.alts) {
              best = Math.max(best, a.wAbstract);
              const { slots, packs } = a;
              for (let i = 0; i < slots.length; i++) {
                // Title and author frequencies sit above bit 7 of a packed frequency (postings.ts).
                if (packs[i]! >= 128 && mark[slots[i]!] === UNTIERED) {
                  mark[slots[i]!] = TITLED;
                  titled++;
                }
              }
            }
            item += best * BM25_PLUS_MAX;
          }
        }
        bound += p.item.translated ? item * TRANSLATION_WEIGHT : item;
      }
    }
    const list = this.slab.alloc(titled);
    let n = 0;
    for (let at = 0; at < cands.length; at++) if (mark[cands[at]!] === TITLED) list[n++] = cands[at]!;
    const scores = this.scoreTier(groupPlans, 'all-fields', TITLED, list);
    if (titled >= k && kthLargest(scores.subarray(0, titled), k) > bound + 1e-9) return list;
    const rest = this.slab.alloc(cands.length - titled);
    n = 0;
    for (let at = 0; at < cands.length; at++) if (mark[cands[at]!] === UNTIERED) rest[n++] = cands[at]!;
    this.scoreTier(groupPlans, 'all-fields', UNTIERED, rest);
    return cands;
  }

  /**
   * Scores a translated item (dense, by position in `list`); a paper gets it, times `TRANSLATION_WEIGHT`, only when
   * no typed item of the group matched it: a translation finds papers written in the other language, it does not
   * re-score those the word already found (a bilingual title would otherwise count twice and outrank a monolingual one).
   */
  private scoreTranslation(plan: ItemPlan, list: Int32Array, mode: ScoreMode, tier: number): void {
    const acc = this.dense;
    const side = this.denseSide;
    for (const t of plan.tokens) for (const u of t.units) this.scoreUnit(u, side, list, mode, tier);
    this.withMembers(plan.typed ?? new Int32Array(0), list.length, (typed) => {
      for (let j = 0; j < list.length; j++) {
        if (side[j] === 0) continue;
        if (!typed(list[j]!)) acc[j]! += side[j]! * TRANSLATION_WEIGHT;
        side[j] = 0;
      }
    });
  }

  /**
   * Adds one unit's BM25+ score to `into` (dense, by position in `list`) for the candidates marked `tier`: per field,
   * weighted and summed over fields. A posting's position is found by walking `list` along the unit's ascending
   * postings. Latin words are length-normalised by the original (English) title when the paper has one, CJK bigrams
   * by the displayed title: a translated title says nothing about how long the English one is.
   */
  private scoreUnit(unit: Unit, into: Float64Array, list: Int32Array, mode: ScoreMode, tier: number): void {
    const N = Math.max(this.live, 1);
    const avgTitle = Math.max(this.totals[0]! / N, 1);
    const avgAuthor = Math.max(this.totals[1]! / N, 1);
    const avgAbstract = Math.max(this.totals[2]! / N, 1);
    const avgOriginal = Math.max(this.totals[3]! / Math.max(this.withOriginal, 1), 1);
    const byOriginal = unit.byOriginal;
    const allFields = mode === 'all-fields';
    // With several forms of one word (prefix completions, typo corrections) a paper scores for its best form
    // only, not once per form it holds: `leap` must not rank LeapVAD (leap + leapvad) above LeAP.
    const multi = unit.alts.length > 1;
    const score = multi ? this.denseAlt : into;
    const mark = this.candidate;
    const lens = this.lens;
    for (const { slots, packs, wTitle, wAuthor, wAbstract } of unit.alts) {
      let j = 0;
      for (let i = 0; i < slots.length; i++) {
        const s = slots[i]!;
        if (mark[s] !== tier) continue;
        while (list[j]! < s) j++;
        const packed = packs[i]!;
        const t = tfTitle(packed);
        const l = s * L;
        let sc = 0;
        if (t > 0) {
          const orig = byOriginal ? lens[l + 3]! : 0;
          const rel = orig > 0 ? orig / avgOriginal : lens[l]! / avgTitle;
          sc += wTitle * bm25Plus(t, FIELD_B.title, rel);
        }
        if (allFields) {
          const a = tfAuthor(packed);
          const b = tfAbstract(packed);
          if (a > 0) sc += wAuthor * bm25Plus(a, FIELD_B.author, lens[l + 1]! / avgAuthor);
          if (b > 0) sc += wAbstract * bm25Plus(b, FIELD_B.abstract, lens[l + 2]! / avgAbstract);
        }
        if (multi) score[j] = Math.max(score[j]!, sc);
        else score[j]! += sc;
      }
    }
    if (multi) {
      for (let j = 0; j < list.length; j++) {
        into[j]! += score[j]!;
        score[j] = 0;
      }
    }
  }

  /**
   * Per-field document frequencies of a term whose postings are decoded in `packs` (`n` of them). Counting them
   * is a pass over every posting, so for common terms — the ones queries spend their time on — the counts are
   * kept until the term gains postings.
   */
  private fieldDfs(id: number, n: number, packs: Uint32Array): readonly [number, number, number] {
    const cached = n >= FIELD_DF_CACHE_MIN ? this.dfCache.get(id) : undefined;
    if (cached && cached[0] === n) return [cached[1]!, cached[2]!, cached[3]!];
    let dfTitle = 0;
    let dfAuthor = 0;
    let dfAbstract = 0;
    for (let i = 0; i < n; i++) {
      const packed = packs[i]!;
      if (tfTitle(packed) > 0) dfTitle++;
      if (tfAuthor(packed) > 0) dfAuthor++;
      if (tfAbstract(packed) > 0) dfAbstract++;
    }
    if (n >= FIELD_DF_CACHE_MIN) {
      if (this.dfCache.size >= 20_000) this.dfCache.clear();
      this.dfCache.set(id, Uint32Array.of(n, dfTitle, dfAuthor, dfAbstract));
    }
    return [dfTitle, dfAuthor, dfAbstract];
  }

  /**
   * Keeps the slots whose stored text has the phrase: Latin words adjacent in one field, or the phrase verbatim in
   * the title. A CJK phrase is its chain of bigrams, which the intersection has already required. Slots in `settled`
   * (ascending) are kept unchecked (their place in the results does not depend on this item).
   */
  private verifyPhrase(item: QueryItem, slots: Int32Array, settled?: Int32Array): Int32Array {
    const latin = item.tokens.filter((t) => t.kind === 'latin').map((t) => t.term);
    if (latin.length < 2) return slots;
    // The token streams answer most papers; the title is decoded only for those they do not.
    const inStream = this.latins.phrase(latin);
    const out = this.slab.alloc(slots.length);
    return this.withMembers(settled ?? new Int32Array(0), slots.length, (isSettled) => {
      let k = 0;
      for (let at = 0; at < slots.length; at++) {
        const s = slots[at]!;
        if (isSettled(s) || inStream(s) || this.titleNorms.get(s).includes(item.text)) out[k++] = s;
      }
      return out.subarray(0, k);
    });
  }

  /**
   * Serialises the index. `revision` is the caller's own number (for example the store's paper count or
   * change counter) and comes back from `snapshotRevision`, so a stale snapshot can be detected and rebuilt.
   */
  toSnapshot(revision: number): Uint8Array {
    const { docs, postings } = this.freeze();
    return encodeSnapshotBuffer(revision, docs, postings);
  }

  /**
   * The snapshot as a sequence of chunks, to be written one by one (yielding to the event loop in between).
   * The state is frozen when this is called: papers added while the chunks are written are not in it.
   */
  snapshotChunks(revision: number): Generator<Uint8Array> {
    const { docs, postings } = this.freeze();
    return encodeSnapshot(revision, docs, postings);
  }

  /** A consistent copy of what a snapshot holds (string lists are append-only, so they are cut, not copied). */
  private freeze(): { docs: SnapshotDocsSource; postings: PostingSource } {
    const n = this.ids.length;
    const cut = (a: string[]): string[] => (a.length === n ? a : a.slice(0, n));
    const docs: SnapshotDocsSource = {
      ids: this.ids.freeze(n),
      titles: this.titles.freeze(n),
      firstAuthors: this.firstAuthors.freeze(n),
      dates: cut(this.dates),
      sources: cut(this.sources),
      titleNorms: this.titleNorms.freeze(n),
      latins: this.latins.freeze(n),
      alive: this.alive.slice(0, n),
      lens: this.lens.slice(0, n * L),
    };
    return { docs, postings: this.postings.toArrays(this.dict.order()) };
  }

  /** Loads a snapshot; throws `SnapshotError` for a foreign or incompatible buffer (then rebuild). */
  static fromSnapshot(buf: Uint8Array): SearchIndex {
    const decoded = decodeSnapshot(buf);
    if (!decoded) throw new SnapshotError('not a search snapshot of a supported format version');
    return SearchIndex.fromDecoded(decoded);
  }

  /** Builds the index over a decoded snapshot (its arrays are taken over, not copied). */
  static fromDecoded(decoded: DecodedSnapshot): SearchIndex {
    const { docs, postings } = decoded;
    const ix = new SearchIndex();
    ix.postings = PostingStore.fromArrays(postings);
    ix.dict = new TermDictionary(() => ix.postings.terms, true);
    ix.ids = docs.ids;
    ix.slotOf = new SlotTable(ix.ids);
    ix.slotOf.reserve(docs.ids.length);
    ix.titles = docs.titles;
    ix.firstAuthors = docs.firstAuthors;
    ix.dates = docs.dates;
    ix.sources = docs.sources;
    ix.titleNorms = docs.titleNorms;
    ix.latins = TokenStreams.from(FIELD_SEP, docs.latins);
    const n = docs.ids.length;
    ix.ensureSlots(n);
    ix.alive.set(docs.alive);
    ix.lens.set(docs.lens);
    // Dates are interned (a few thousand distinct): parse each once.
    const days = new Map<string, number>();
    for (let s = 0; s < n; s++) {
      const date = docs.dates[s]!;
      let day = days.get(date);
      if (day === undefined) days.set(date, (day = dayNumber(date)));
      ix.days[s] = day;
      if (!docs.alive[s]) continue;
      ix.slotOf.set(docs.ids.get(s), s);
      ix.live++;
      for (let f = 0; f < L; f++) ix.totals[f]! += docs.lens[s * L + f]!;
      if (docs.lens[s * L + 3]! > 0) ix.withOriginal++;
    }
    return ix;
  }
}

function matchedTerms(slot: number, plans: ItemPlan[][]): string[] {
  const out = new Set<string>();
  // A translation counts (and is reported) only for papers the group's typed words missed.
  const typedHit = plans.map((g) => g.some((p) => !p.item.translated && has(p.slots, slot)));
  for (const p of plans.flatMap((g, gi) => (typedHit[gi] ? g.filter((q) => !q.item.translated) : g))) {
    for (const t of p.tokens) {
      const hits = t.units.map((u) => u.alts.filter((a) => has(a.slots, slot)).map((a) => a.term));
      // A CJK run matched in full is reported as the run (so highlighting bolds the whole word).
      if (t.kind === 'cjk' && t.units.length > 1 && hits.every((h) => h.length > 0)) out.add(t.label);
      else for (const h of hits) for (const term of h) out.add(term);
    }
  }
  return [...out];
}

function clampInt(v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined || !Number.isFinite(v)) return dflt;
  return Math.max(min, Math.min(max, Math.floor(v)));
}

/** `2025-11-23` → 20251123; anything else → 0 (sorts as oldest). */
function dayNumber(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}
