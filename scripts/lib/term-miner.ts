/**
 * Mines an English ↔ Chinese term table from parallel titles (a paper's English title beside its Chinese
 * translation). Pure: title pairs in, term pairs out; `scripts/mine-terms.ts` feeds it the archive and the
 * search-quality bench feeds it one half of the archive to measure the table on the other half.
 *
 * Units are the analyzer's: English stems (single words and adjacent pairs, function words left out) and Chinese
 * `Intl.Segmenter` words of 2+ characters (single words and adjacent pairs of 3–6 characters, so `强化学习`
 * exists even when it is segmented 强化|学习). Two units are associated by the Dice coefficient of the titles
 * they occur in (2·both / (english + chinese)); a pair is kept when it occurs in enough titles, its Dice is high,
 * and each side is the other's best partner (mutual best), which leaves one Chinese term per English term and
 * refuses the many pairs a frequent word forms with everything it happens to sit beside.
 */
import { tokenize } from '../../src/search/analyzer.ts';

/** One mined pair: English stems (space-separated), the most frequent English spelling, the Chinese term. */
export interface TermPair {
  /** Stems of the English term as the analyzer produces them (`reinforc learn`), the table's key. */
  en: string;
  /** The English term as most often written (lower case): shown to users and re-analysed into `en`. */
  surface: string;
  zh: string;
  /** Titles holding both sides. */
  count: number;
  /** Dice coefficient, rounded to 3 decimals. */
  dice: number;
}

/** Mining thresholds. */
export interface MineOptions {
  /** A unit (and a pair) must occur in at least this many titles. */
  minCount: number;
  /** Lowest Dice coefficient kept. */
  minDice: number;
  /** At most this many pairs are kept (highest count first). */
  maxPairs: number;
}

/** Defaults chosen on the archive (see scripts/mine-terms.ts): ≈ a few thousand pairs, few wrong ones. */
export const MINE_DEFAULTS: MineOptions = { minCount: 3, minDice: 0.5, maxPairs: 8000 };

/**
 * English words that carry no subject (their Chinese counterparts are particles and connectives): never a
 * term, never half of a two-word term.
 */
const FUNCTION_WORDS = new Set(
  `a an the of in on at to for from with without within by via and or not no is are be being been as its it this
  that these those into onto over under towards toward through across between among using use based can do does
  how what when where which who why we our you your their than then more most less least very all any each every
  both other such up down out off per vs versus beyond about after before during against along around upon whether`
    .split(/\s+/)
    .filter(Boolean),
);

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** One occurrence of a unit, with its neighbours (`''` at the edge of the title or CJK run). */
interface Occurrence {
  unit: string;
  prev: string;
  next: string;
}

/** English units of a title with their neighbouring words; `surfaces` collects each unit's spellings. */
function englishOccurrences(title: string, surfaces?: Map<string, string>): Occurrence[] {
  const out: Occurrence[] = [];
  const tokens = tokenize(title);
  const content = tokens.map((t) => t.kind === 'latin' && t.surface.length >= 3 && !/\d/.test(t.surface) && !FUNCTION_WORDS.has(t.surface));
  const at = (i: number): string => tokens[i]?.term ?? '';
  tokens.forEach((w, i) => {
    if (!content[i]) return;
    out.push({ unit: w.term, prev: at(i - 1), next: at(i + 1) });
    if (surfaces && !surfaces.has(w.term)) surfaces.set(w.term, w.surface);
    if (content[i + 1]) {
      const key = `${w.term} ${tokens[i + 1]!.term}`;
      out.push({ unit: key, prev: at(i - 1), next: at(i + 2) });
      if (surfaces && !surfaces.has(key)) surfaces.set(key, `${w.surface} ${tokens[i + 1]!.surface}`);
    }
  });
  return out;
}

/** The English units of a title (content stems and adjacent pairs of them) → the spelling seen. */
export function englishUnits(title: string): Map<string, string> {
  const surfaces = new Map<string, string>();
  englishOccurrences(title, surfaces);
  return surfaces;
}

/** Chinese units of a title (segmenter words of 2+ characters, adjacent pairs of 3–6) with neighbouring characters. */
function chineseOccurrences(title: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const t of tokenize(title)) {
    if (t.kind !== 'cjk') continue;
    const segs = [...segmenter.segment(t.term)].map((s) => s.segment);
    const run = t.term;
    let offset = 0;
    segs.forEach((s, i) => {
      const prev = offset > 0 ? String.fromCodePoint(run.codePointAt(offset - 1)!) : '';
      const around = (end: number): string => (end < run.length ? String.fromCodePoint(run.codePointAt(end)!) : '');
      if ([...s].length >= 2) out.push({ unit: s, prev, next: around(offset + s.length) });
      const next = segs[i + 1];
      if (next !== undefined) {
        const n = [...s].length + [...next].length;
        if (n >= 3 && n <= 6) out.push({ unit: s + next, prev, next: around(offset + s.length + next.length) });
      }
      offset += s.length;
    });
  }
  return out;
}

/** The Chinese units of a title: segmenter words of 2+ characters and adjacent pairs of 3–6 characters. */
export function chineseUnits(title: string): Set<string> {
  return new Set(chineseOccurrences(title).map((o) => o.unit));
}

/** Share of a unit's occurrences a single neighbour may take before the unit counts as a fragment of a longer term. */
const FRAGMENT_SHARE = 0.8;

/**
 * Units that are mostly part of a longer term: one word or character sits beside them in 80%+ of their
 * occurrences (`对抗鲁` of 对抗鲁棒性, `open reading` of open reading frame). Such a unit would translate half a
 * term; the edge of a title or run counts as a neighbour of its own, so a term often written alone is kept.
 */
function fragments(occurrences: Occurrence[], df: Map<string, number>, minCount: number): Set<string> {
  const sides = new Map<string, { n: number; prev: Map<string, number>; next: Map<string, number> }>();
  for (const o of occurrences) {
    if (df.get(o.unit)! < minCount) continue;
    let s = sides.get(o.unit);
    if (!s) sides.set(o.unit, (s = { n: 0, prev: new Map(), next: new Map() }));
    s.n++;
    s.prev.set(o.prev, (s.prev.get(o.prev) ?? 0) + 1);
    s.next.set(o.next, (s.next.get(o.next) ?? 0) + 1);
  }
  const out = new Set<string>();
  for (const [unit, s] of sides) {
    const top = (m: Map<string, number>): number => Math.max(...[...m].filter(([k]) => k !== '').map(([, v]) => v), 0);
    if (Math.max(top(s.prev), top(s.next)) >= FRAGMENT_SHARE * s.n) out.add(unit);
  }
  return out;
}

/** Mines the term table from parallel titles. Deterministic: the same pairs in give the same table out. */
export function mineTerms(pairs: Iterable<{ en: string; zh: string }>, options: Partial<MineOptions> = {}): TermPair[] {
  const { minCount, minDice, maxPairs } = { ...MINE_DEFAULTS, ...options };
  const docs: { en: Map<string, string>; zh: Set<string> }[] = [];
  const enDf = new Map<string, number>();
  const zhDf = new Map<string, number>();
  const surfaces = new Map<string, Map<string, number>>();
  const enOcc: Occurrence[] = [];
  const zhOcc: Occurrence[] = [];
  for (const p of pairs) {
    const en = new Map<string, string>();
    const eo = englishOccurrences(p.en, en);
    const zo = chineseOccurrences(p.zh);
    const zh = new Set(zo.map((o) => o.unit));
    if (en.size === 0 || zh.size === 0) continue;
    docs.push({ en, zh });
    enOcc.push(...eo);
    zhOcc.push(...zo);
    for (const [stem, surface] of en) {
      enDf.set(stem, (enDf.get(stem) ?? 0) + 1);
      let s = surfaces.get(stem);
      if (!s) surfaces.set(stem, (s = new Map()));
      s.set(surface, (s.get(surface) ?? 0) + 1);
    }
    for (const z of zh) zhDf.set(z, (zhDf.get(z) ?? 0) + 1);
  }
  const partial = new Set([...fragments(enOcc, enDf, minCount), ...fragments(zhOcc, zhDf, minCount)]);
  const usable = (unit: string, df: Map<string, number>): boolean => df.get(unit)! >= minCount && !partial.has(unit);
  // Pair counts only for units frequent and whole enough to pass (keeps the count table small).
  const both = new Map<string, Map<string, number>>();
  for (const d of docs) {
    const zh = [...d.zh].filter((z) => usable(z, zhDf));
    for (const e of d.en.keys()) {
      if (!usable(e, enDf)) continue;
      let row = both.get(e);
      if (!row) both.set(e, (row = new Map()));
      for (const z of zh) row.set(z, (row.get(z) ?? 0) + 1);
    }
  }
  interface Cand {
    en: string;
    zh: string;
    count: number;
    dice: number;
  }
  // Better: higher Dice, then more titles, then code-unit order (so ties never depend on iteration order).
  const better = (a: Cand, b: Cand): boolean =>
    a.dice !== b.dice ? a.dice > b.dice : a.count !== b.count ? a.count > b.count : a.en + a.zh < b.en + b.zh;
  const bestEn = new Map<string, Cand>();
  const bestZh = new Map<string, Cand>();
  for (const [en, row] of both) {
    for (const [zh, count] of row) {
      if (count < minCount) continue;
      const c: Cand = { en, zh, count, dice: (2 * count) / (enDf.get(en)! + zhDf.get(zh)!) };
      const be = bestEn.get(en);
      if (!be || better(c, be)) bestEn.set(en, c);
      const bz = bestZh.get(zh);
      if (!bz || better(c, bz)) bestZh.set(zh, c);
    }
  }
  const kept: TermPair[] = [];
  for (const c of bestEn.values()) {
    if (c.dice < minDice || bestZh.get(c.zh) !== c) continue;
    const forms = [...surfaces.get(c.en)!].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    kept.push({ en: c.en, surface: forms[0]![0], zh: c.zh, count: c.count, dice: Math.round(c.dice * 1000) / 1000 });
  }
  kept.sort((a, b) => b.count - a.count || (a.en < b.en ? -1 : a.en > b.en ? 1 : 0));
  return kept.slice(0, maxPairs).sort((a, b) => (a.en < b.en ? -1 : a.en > b.en ? 1 : 0));
}
