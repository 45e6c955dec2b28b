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
 */
import { readFile } from 'node:fs/promises';
import { collectFiles } from '../src/cli/parse.ts';
import { parseDigest, type Paper } from '../src/digest/index.ts';
import { SearchIndex, compileSubscriptions } from '../src/search/index.ts';
import { mergePaper } from '../src/store/papers.ts';
import { rng } from './lib/rng.ts';

const SEED = Number(process.env.QUALITY_SEED ?? 42);
const SIZES = { known: 600, zh: 400, typo: 400, hyphen: 300, subs: 3000 };
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

function subsSet(papers: Paper[], rand: () => number): { precision: number; recall: number; rows: string[] } {
  const both = papers.filter((p) => p.titleOriginal && HAN.test(p.title));
  const sample: Paper[] = [];
  const seen = new Set<number>();
  while (sample.length < Math.min(SIZES.subs, both.length)) {
    const i = Math.floor(rand() * both.length);
    if (!seen.has(i)) {
      seen.add(i);
      sample.push(both[i]!);
    }
  }
  const matcher = compileSubscriptions(RULES.map((r, i) => ({ id: String(i), expression: r.keyword })));
  const tp = new Array<number>(RULES.length).fill(0);
  const fp = new Array<number>(RULES.length).fill(0);
  const fn = new Array<number>(RULES.length).fill(0);
  for (const p of sample) {
    const got = new Set(matcher.match(p).map((m) => Number(m.subscriptionId)));
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
  for (const [name, items] of sets) {
    const r = evaluate(ix, items);
    console.log(`${name.padEnd(7)} n=${r.n}  hit@3 ${r.hit3.toFixed(3)}  MRR@10 ${r.mrr.toFixed(3)}`);
    if (verbose) for (const m of r.misses.slice(0, 15)) console.log(`   miss ${JSON.stringify(m.query)} → ${m.id} ${stored.get(m.id)!.title.slice(0, 40)}`);
  }
  const s = subsSet(papers, rng(SEED + 4));
  console.log(`subs    n=${SIZES.subs} papers × ${RULES.length} keywords  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}`);
  if (verbose) for (const row of s.rows) console.log(`   ${row}`);
}

main(process.argv[2] ?? '../shared/digests').catch((error: unknown) => {
  console.error(`search-quality: ${(error as Error).message}`);
  process.exitCode = 1;
});
