/**
 * Search quality on measured query sets built from the real archive (issue 14):
 *
 *   npm run bench:quality                      (tsx bench/search-quality.ts [digest dir])
 *   QUALITY_SEED=7 npm run bench:quality
 *
 * Every digest under the folder (default ../shared/digests) is parsed with the project's parser and merged
 * into one record per paper exactly as the store does (`mergePaper`, files in path order); every wording a
 * paper was published under is remembered for the query sets. Sets, all seeded:
 *
 * - known: a random published wording of a sampled paper's title (not necessarily the one the archive shows),
 *   queried by its two rarest `Intl.Segmenter` words (the corpus check's rule); hit@3 and MRR@10.
 * - zh-sub: two neighbouring segmenter words from inside a Chinese run of the title (≥4 characters,
 *   in at most 3 titles, counting every wording), so the query starts or ends inside a longer phrase; hit@3, MRR@10.
 * - typo: the rarest English title word (≥6 letters, not the first letter touched) with one seeded edit
 *   (drop, double, swap or replace a letter) plus the second rarest word; hit@3, MRR@10.
 * - hyphen: an English title word written as `a-b` (or joined `ab` when `a-b` occurs in some title) queried in
 *   another spelling — joined, hyphenated or spaced — plus the rarest other title word; hit@3, MRR@10.
 * - subs: keyword subscriptions over a sample of papers that have both languages, judged by written rules
 *   (`RULES` below: one regular expression per keyword over the paper's own text, naming the forms a
 *   researcher would call the same word and refusing the traps); micro precision and recall.
 * - en→zh and zh→en (the English ↔ Chinese term table, term-table.ts): bilingual papers of one half of the
 *   archive (by a hash of the id) are indexed in one language only — Chinese-only (English title removed) or
 *   English-only (the English title shown, the Chinese removed) — and queried in the other language by their
 *   two rarest title words that the kept title does not hold (so only a translation can reach them). The table
 *   used is mined from the other half only (`held-out`), so no target paper taught the table its words.
 *
 * The search sets print three columns measured in the same run: no term table (`off`), the held-out table, and the
 * table shipped in src/search/term-table.json (mined from the whole archive, hence in-sample for these sets).
 */
import { readFile } from 'node:fs/promises';
import { collectFiles } from '../src/cli/parse.ts';
import { parseDigest, type Paper } from '../src/digest/index.ts';
import { SearchIndex, compileSubscriptions } from '../src/search/index.ts';
import { mergePaper } from '../src/store/papers.ts';
import { rng } from './lib/rng.ts';
import { termTable, ARCHIVE_TERMS, expandAcrossLanguages, type TermTable } from '../src/search/term-table.ts';
import { parseQuery } from '../src/search/query.ts';
import { mineTerms } from '../scripts/lib/term-miner.ts';
import { parallelTitles } from '../scripts/mine-terms.ts';

const SEED = Number(process.env.QUALITY_SEED ?? 42);
const SIZES = { known: 600, zh: 400, typo: 400, hyphen: 300, subs: 3000, cross: 400 };
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });


interface Item {
  query: string;
  id: string;
}

const segWords = (s: string) =>
  [...new Set([...segmenter.segment(s.toLowerCase())].filter((x) => x.isWordLike && [...x.segment].length >= 2).map((x) => x.segment))];
const HAN = /\p{Script=Han}/u;
const englishWords = (s: string) => (s.match(/[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]/g) ?? []).map((w) => w.toLowerCase());

/** Rule-judged subscriptions: keyword as a user types it → relevant when the paper's text matches. */
export const RULES: { keyword: string; rule: RegExp }[] = [
  { keyword: 'multi-modal', rule: /\bmulti[-\s]?modal/i },
  { keyword: 'multimodal', rule: /\bmulti[-\s]?modal/i },
  { keyword: 'self-supervised', rule: /\bself[-\s]?supervis/i },
  { keyword: 'fine-tuning', rule: /\bfine[-\s]?tun/i },
  { keyword: 'T-cell', rule: /\bT[-\s]?[Cc]ells?\b/ },
  { keyword: 'long-term memory', rule: /\blong[-\s]term\s+memor/i },
  { keyword: 'zero-shot', rule: /\bzero[-\s]?shot/i },
  { keyword: 'real-time', rule: /\breal[-\s]?time/i },
  // Acronyms count as written (case-sensitive), also inside a CamelCase name; never as a lower-case substring.
  { keyword: 'GAN', rule: /(?<![A-Za-z])GANs?(?![A-Za-z0-9])|[a-z]GANs?(?![a-z])/ },
  { keyword: 'NeRF', rule: /NeRF/ },
  { keyword: 'LoRA', rule: /LoRA/ },
  { keyword: 'MoE', rule: /(?<![A-Za-z])MoE|[a-z]MoE/ },
  { keyword: 'Mamba', rule: /Mamba/ },
  { keyword: 'ViT', rule: /(?<![A-Za-z])ViTs?(?![a-z])|[a-z]ViT(?![a-z])/ },
  { keyword: 'RAG', rule: /(?<![A-Z])RAG(?![A-Z0-9a-z])|[a-z]RAG(?![a-z0-9])/ },
  { keyword: 'mouse', rule: /\b(?:mouse|mice)\b/i },
  { keyword: 'robot', rule: /\brobot(?:s|ic|ics)?\b/i },
  { keyword: 'analysis', rule: /\banalys[ie]s\b/i },
  { keyword: 'diffusion', rule: /\bdiffusion\b/i },
  { keyword: 'reinforcement learning', rule: /\breinforcement\s+learning\b/i },
  { keyword: '数据集', rule: /数据集(?!成)/ },
  { keyword: '智能体', rule: /智能体(?!育)/ },
  { keyword: '机器人', rule: /机器人/ },
  { keyword: '大模型', rule: /(?<!扩)大模型/ },
  { keyword: '扩散', rule: /扩散/ },
  { keyword: '强化学习', rule: /强化学习/ },
  { keyword: '和服', rule: /和服(?!务)/ },
];

/** The judge reads the same text the matcher does: every text field of the paper, every wording it had. */
function textOf(p: Paper): string {
  const extra = (p as Paper & { earlier?: { title: string | null; abstract: string | null }[] }).earlier ?? [];
  return [p.title, p.titleOriginal, p.abstract, p.abstractOriginal, p.notes, ...extra.flatMap((v) => [v.title, v.abstract])]
    .filter(Boolean)
    .join('\n');
}

async function load(dir: string): Promise<{ stored: Map<string, Paper>; wordings: Map<string, string[]> }> {
  const files = (await collectFiles([dir])).sort();
  const stored = new Map<string, Paper>();
  const wordings = new Map<string, string[]>();
  for (const file of files) {
    const { papers } = parseDigest({ text: await readFile(file, 'utf8'), fileName: file });
    for (const p of papers) {
      if (!p.title) continue;
      const old = stored.get(p.id);
      stored.set(p.id, old ? mergePaper(old, p) : p);
      const w = wordings.get(p.id) ?? [];
      if (!w.includes(p.title)) w.push(p.title);
      wordings.set(p.id, w);
    }
  }
  return { stored, wordings };
}

function evaluate(ix: SearchIndex, items: Item[]): { hit3: number; mrr: number; n: number; misses: Item[] } {
  let hit3 = 0;
  let rr = 0;
  const misses: Item[] = [];
  for (const it of items) {
    const rank = ix.search(it.query, { limit: 10 }).results.findIndex((r) => r.id === it.id);
    if (rank >= 0 && rank < 3) hit3++;
    else misses.push(it);
    if (rank >= 0) rr += 1 / (rank + 1);
    if (process.env.QUALITY_RANKS === '1') console.log(`   rank ${rank} ${JSON.stringify(it.query)} ${it.id}`);
  }
  return { hit3: hit3 / items.length, mrr: rr / items.length, n: items.length, misses };
}

function knownSet(papers: Paper[], wordings: Map<string, string[]>, rand: () => number): Item[] {
  const df = new Map<string, number>();
  for (const p of papers) for (const t of wordings.get(p.id) ?? []) for (const w of segWords(t)) df.set(w, (df.get(w) ?? 0) + 1);
  const out: Item[] = [];
  while (out.length < SIZES.known) {
    const p = papers[Math.floor(rand() * papers.length)]!;
    const ws = wordings.get(p.id)!;
    const title = ws[Math.floor(rand() * ws.length)]!;
    const words = segWords(title);
    if (words.length < 2) continue;
    out.push({ id: p.id, query: words.sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0)).slice(0, 2).join(' ') });
  }
  return out;
}

function zhSubSet(papers: Paper[], wordings: Map<string, string[]>, rand: () => number): Item[] {
  // Distinctive among every wording of every title, not just the shown ones.
  const titles = [...wordings.values()].flat();
  const out: Item[] = [];
  for (let guard = 0; out.length < SIZES.zh && guard < SIZES.zh * 200; guard++) {
    const p = papers[Math.floor(rand() * papers.length)]!;
    const runs = p.title.match(/\p{Script=Han}{6,}/gu) ?? [];
    if (runs.length === 0) continue;
    const run = runs[Math.floor(rand() * runs.length)]!;
    const segs = [...segmenter.segment(run)].map((s) => s.segment);
    if (segs.length < 4) continue;
    const start = 1 + Math.floor(rand() * (segs.length - 3));
    const q = segs[start]! + segs[start + 1]!;
    if ([...q].length < 4) continue;
    if (titles.filter((t) => t.includes(q)).length > 3) continue;
    out.push({ id: p.id, query: q });
  }
  return out;
}

function typo(word: string, rand: () => number): string {
  const i = 1 + Math.floor(rand() * (word.length - 1));
  const kind = Math.floor(rand() * 4);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  if (kind === 0) return word.slice(0, i) + word.slice(i + 1);
  if (kind === 1) return word.slice(0, i) + word[i] + word.slice(i);
  if (kind === 2 && i + 1 < word.length) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  let c = letters[Math.floor(rand() * 26)]!;
  if (c === word[i]) c = c === 'a' ? 'b' : 'a';
  return word.slice(0, i) + c + word.slice(i + 1);
}

function typoSet(papers: Paper[], rand: () => number): Item[] {
  const withEn = papers.filter((p) => p.titleOriginal);
  const df = new Map<string, number>();
  for (const p of withEn) for (const w of new Set(englishWords(p.titleOriginal!))) df.set(w, (df.get(w) ?? 0) + 1);
  const out: Item[] = [];
  for (let guard = 0; out.length < SIZES.typo && guard < SIZES.typo * 100; guard++) {
    const p = withEn[Math.floor(rand() * withEn.length)]!;
    const ws = [...new Set(englishWords(p.titleOriginal!))].filter((w) => /^[a-z]{6,}$/.test(w));
    if (ws.length < 2) continue;
    ws.sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0));
    out.push({ id: p.id, query: `${typo(ws[0]!, rand)} ${ws[1]!}` });
  }
  return out;
}

function hyphenSet(papers: Paper[], rand: () => number): Item[] {
  const withEn = papers.filter((p) => p.titleOriginal);
  const hyphenated = new Map<string, string>();
  const df = new Map<string, number>();
  for (const p of withEn) {
    for (const w of new Set(englishWords(p.titleOriginal!))) {
      df.set(w, (df.get(w) ?? 0) + 1);
      if (/^[a-z]{2,}-[a-z]{2,}$/.test(w)) hyphenated.set(w.replace('-', ''), w);
    }
  }
  const out: Item[] = [];
  for (let guard = 0; out.length < SIZES.hyphen && guard < SIZES.hyphen * 200; guard++) {
    const p = withEn[Math.floor(rand() * withEn.length)]!;
    const ws = [...new Set(englishWords(p.titleOriginal!))];
    const variants: string[] = [];
    let used = '';
    for (const w of ws) {
      if (/^[a-z]{2,}-[a-z]{2,}$/.test(w)) {
        variants.push(w.replace('-', ''), w.replace('-', ' '));
        used = w;
      } else if (hyphenated.has(w)) {
        variants.push(hyphenated.get(w)!);
        used = w;
      }
      if (used) break;
    }
    if (!used) continue;
    const other = ws.filter((w) => w !== used && /^[a-z]{4,}$/.test(w)).sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0))[0];
    if (!other) continue;
    out.push({ id: p.id, query: `${variants[Math.floor(rand() * variants.length)]!} ${other}` });
  }
  return out;
}

/**
 * The subscription set. `crossOnly`: sampled bilingual papers of half 1 are matched in one language only (even
 * samples Chinese-only, odd ones English-only) but judged on their full text, as a paper listed in one language
 * is about the same thing; `terms` expands the keywords across languages.
 */
function subsSet(
  papers: Paper[],
  rand: () => number,
  terms: TermTable | null = null,
  crossOnly = false,
): { precision: number; recall: number; rows: string[] } {
  const both = papers.filter((p) => p.titleOriginal && HAN.test(p.title) && (!crossOnly || half(p.id) === 1));
  const sample: Paper[] = [];
  const seen = new Set<number>();
  while (sample.length < Math.min(SIZES.subs, both.length)) {
    const i = Math.floor(rand() * both.length);
    if (!seen.has(i)) {
      seen.add(i);
      sample.push(both[i]!);
    }
  }
  const matcher = compileSubscriptions(RULES.map((r, i) => ({ id: String(i), expression: r.keyword })), terms);
  const shown = (p: Paper, i: number): Paper =>
    !crossOnly
      ? p
      : i % 2 === 0
        ? { ...p, titleOriginal: null, abstractOriginal: null }
        : { ...p, title: p.titleOriginal!, titleOriginal: null, abstract: p.abstractOriginal, abstractOriginal: null, variants: [] };
  const tp = new Array<number>(RULES.length).fill(0);
  const fp = new Array<number>(RULES.length).fill(0);
  const fn = new Array<number>(RULES.length).fill(0);
  for (const [n, p] of sample.entries()) {
    const got = new Set(matcher.match(shown(p, n)).map((m) => Number(m.subscriptionId)));
    RULES.forEach((r, i) => {
      const rel = r.rule.test(textOf(p));
      if (rel && got.has(i)) tp[i]!++;
      else if (got.has(i)) {
        fp[i]!++;
        if (process.env.QUALITY_VERBOSE === '1') console.log(`   fp ${r.keyword}: ${p.id} ${(p.titleOriginal ?? '').slice(0, 70)}`);
      }
      else if (rel) fn[i]!++;
    });
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const rows = RULES.map((r, i) => `${r.keyword}: tp ${tp[i]} fp ${fp[i]} fn ${fn[i]}`);
  return { precision: sum(tp) / Math.max(1, sum(tp) + sum(fp)), recall: sum(tp) / Math.max(1, sum(tp) + sum(fn)), rows };
}

/** Half of the archive by a hash of the id (FNV-1a): 0 mines the held-out table, 1 holds the cross-language targets. */
function half(id: string): 0 | 1 {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 2 === 0 ? 0 : 1;
}

const FUNCTION_WORDS = new Set('with from into using based towards toward through via for and the over under between among without within their this that these what when does can'.split(' '));

/**
 * The cross-language sets: sampled bilingual papers of half 1 turned monolingual (their copies go into the
 * cross index instead of the originals), each queried by the two rarest title words of the removed language
 * that the kept title does not hold.
 */
function crossSets(papers: Paper[], rand: () => number): { enZh: Item[]; zhEn: Item[]; papers: Paper[] } {
  const pool = papers.filter((p) => p.titleOriginal && HAN.test(p.title) && half(p.id) === 1);
  const enDf = new Map<string, number>();
  const zhDf = new Map<string, number>();
  for (const p of papers) {
    if (p.titleOriginal) for (const w of new Set(englishWords(p.titleOriginal))) enDf.set(w, (enDf.get(w) ?? 0) + 1);
    if (HAN.test(p.title)) for (const w of segWords(p.title)) zhDf.set(w, (zhDf.get(w) ?? 0) + 1);
  }
  const changed = new Map<string, Paper>();
  const enZh: Item[] = [];
  const zhEn: Item[] = [];
  for (let guard = 0; (enZh.length < SIZES.cross || zhEn.length < SIZES.cross) && guard < SIZES.cross * 50; guard++) {
    const p = pool[Math.floor(rand() * pool.length)]!;
    if (changed.has(p.id)) continue;
    const toChinese = enZh.length < SIZES.cross && (zhEn.length >= SIZES.cross || rand() < 0.5);
    if (toChinese) {
      const kept = p.title.toLowerCase();
      const ws = [...new Set(englishWords(p.titleOriginal!))].filter((w) => /^[a-z]{4,}$/.test(w) && !FUNCTION_WORDS.has(w) && !kept.includes(w));
      if (ws.length < 2) continue;
      ws.sort((a, b) => (enDf.get(a) ?? 0) - (enDf.get(b) ?? 0) || (a < b ? -1 : 1));
      enZh.push({ id: p.id, query: ws.slice(0, 2).join(' ') });
      changed.set(p.id, { ...p, titleOriginal: null, abstractOriginal: null });
    } else {
      const ws = segWords(p.title).filter((w) => /^\p{Script=Han}+$/u.test(w));
      if (ws.length < 2) continue;
      ws.sort((a, b) => (zhDf.get(a) ?? 0) - (zhDf.get(b) ?? 0) || (a < b ? -1 : 1));
      zhEn.push({ id: p.id, query: ws.slice(0, 2).join(' ') });
      changed.set(p.id, { ...p, title: p.titleOriginal!, titleOriginal: null, abstract: p.abstractOriginal, abstractOriginal: null, variants: [] });
    }
  }
  return { enZh, zhEn, papers: papers.map((p) => changed.get(p.id) ?? p) };
}

/** Evaluates a set with each term table, one column each: `off`, `held-out`, `shipped`. */
function compare(name: string, ix: SearchIndex, items: Item[], tables: [string, TermTable | null][]): void {
  const cols = tables.map(([label, t]) => {
    ix.useTermTable(t);
    const r = evaluate(ix, items);
    return `${label} ${r.hit3.toFixed(3)} / ${r.mrr.toFixed(3)}`;
  });
  console.log(`${name.padEnd(7)} n=${items.length}  hit@3 / MRR@10:  ${cols.join('   ')}`);
}

async function main(dir: string): Promise<void> {
  const t0 = performance.now();
  const { stored, wordings } = await load(dir);
  const papers = [...stored.values()];
  const ix = new SearchIndex();
  ix.add(papers);
  const several = [...wordings.values()].filter((w) => w.length > 1).length;
  console.log(`${papers.length} papers (${several} published under several titles), indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s, seed ${SEED}`);
  const sets: [string, Item[]][] = [
    ['known', knownSet(papers, wordings, rng(SEED))],
    ['zh-sub', zhSubSet(papers, wordings, rng(SEED + 1))],
    ['typo', typoSet(papers, rng(SEED + 2))],
    ['hyphen', hyphenSet(papers, rng(SEED + 3))],
  ];
  const verbose = process.env.QUALITY_VERBOSE === '1';
  const mineOptions = process.env.QUALITY_MINE_MIN ? { minCount: Number(process.env.QUALITY_MINE_MIN) } : {};
  const heldOut = termTable(
    mineTerms(papers.filter((p) => half(p.id) === 0).flatMap(parallelTitles), mineOptions).map((p) => [p.en, p.surface, p.zh] as [string, string, string]),
  );
  const tables: [string, TermTable | null][] = [['off', null], ['held-out', heldOut], ['shipped', ARCHIVE_TERMS]];
  for (const [name, items] of sets) {
    compare(name, ix, items, tables);
    if (!verbose) continue;
    ix.useTermTable(ARCHIVE_TERMS);
    for (const m of evaluate(ix, items).misses.slice(0, 15)) console.log(`   miss ${JSON.stringify(m.query)} → ${m.id} ${stored.get(m.id)!.title.slice(0, 40)}`);
  }
  const s = subsSet(papers, rng(SEED + 4));
  console.log(`subs    n=${SIZES.subs} papers × ${RULES.length} keywords  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}`);
  if (verbose) for (const row of s.rows) console.log(`   ${row}`);
  // Subscriptions are not expanded; these rows measure what expanding them would do (held-out table).
  for (const cross of [false, true]) {
    const cols = ([['off', null], ['held-out', heldOut]] as const).map(([label, t]) => {
      const r = subsSet(papers, rng(SEED + 4), t, cross);
      if (verbose && t) for (const row of r.rows) console.log(`   ${cross ? 'x ' : ''}${row}`);
      return `${label} P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)}`;
    });
    console.log(`${cross ? 'subs-x' : 'subs'.padEnd(6)}  expanded?  ${cols.join('   ')}${cross ? '   (one language shown, judged on both)' : ''}`);
  }
  const cross = crossSets(papers, rng(SEED + 5));
  const cx = new SearchIndex();
  cx.add(cross.papers);
  compare('en→zh', cx, cross.enZh, tables.slice(0, 2));
  compare('zh→en', cx, cross.zhEn, tables.slice(0, 2));
  // How many cross queries the held-out table can translate word for word at all (the ceiling of expansion).
  const covered = (items: Item[]) =>
    items.filter((it) => {
      const q = expandAcrossLanguages(parseQuery(it.query), heldOut);
      return q.groups.every((g) => g.some((i) => i.translated));
    }).length / items.length;
  console.log(`cross queries with every word in the held-out table: en→zh ${covered(cross.enZh).toFixed(3)}, zh→en ${covered(cross.zhEn).toFixed(3)}`);
  if (verbose) {
    cx.useTermTable(heldOut);
    for (const it of [...cross.enZh.slice(0, 25), ...cross.zhEn.slice(0, 25)]) {
      const rank = cx.search(it.query, { limit: 10 }).results.findIndex((r) => r.id === it.id);
      const q = expandAcrossLanguages(parseQuery(it.query), heldOut);
      console.log(`   rank ${rank} ${JSON.stringify(it.query)} → ${q.groups.map((g) => g.map((i) => i.text).join('|')).join(' & ')}   ${it.id} ${stored.get(it.id)!.title.slice(0, 30)}`);
    }
  }
}

main(process.argv[2] ?? '../shared/digests').catch((error: unknown) => {
  console.error(`search-quality: ${(error as Error).message}`);
  process.exitCode = 1;
});
