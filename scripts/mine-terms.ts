/**
 * Mines the English ↔ Chinese term table (src/search/term-table.json) from the archive's parallel titles:
 *
 *   npx tsx scripts/mine-terms.ts [digest dir] [out file]      (defaults: ../shared/digests, src/search/term-table.json)
 *   MINE_PRINT=1 npx tsx scripts/mine-terms.ts …               (also prints every pair with its count and Dice)
 *
 * Every digest is parsed with the project's parser and merged per paper as the store does; papers whose title is
 * Chinese and that carry an English original title are the parallel corpus (every wording of the title counts).
 * The output is deterministic (sorted, no dates), so re-running it on the same archive changes nothing.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { collectFiles } from '../src/cli/parse.ts';
import { parseDigest, type Paper } from '../src/digest/index.ts';
import { mergePaper } from '../src/store/papers.ts';
import { mineTerms, MINE_DEFAULTS, type TermPair } from './lib/term-miner.ts';

const HAN = /\p{Script=Han}/u;

/** Every paper of the digests under `dir`, merged per id as the store does (files in path order). */
export async function loadArchive(dir: string): Promise<Paper[]> {
  const stored = new Map<string, Paper>();
  for (const file of (await collectFiles([dir])).sort()) {
    const { papers } = parseDigest({ text: await readFile(file, 'utf8'), fileName: file });
    for (const p of papers) {
      if (!p.title) continue;
      const old = stored.get(p.id);
      stored.set(p.id, old ? mergePaper(old, p) : p);
    }
  }
  return [...stored.values()];
}

/** The parallel titles of a paper: each Chinese wording of its title beside its English title. */
export function parallelTitles(p: Paper): { en: string; zh: string }[] {
  if (!p.titleOriginal) return [];
  const zh = [p.title, ...(p.variants ?? []).map((v) => v.title ?? '')].filter((t) => HAN.test(t));
  return [...new Set(zh)].map((t) => ({ en: p.titleOriginal!, zh: t }));
}

/** The table file: pairs as compact rows `[stems, surface, chinese]`, sorted by stems. */
export function tableJson(pairs: TermPair[]): string {
  const rows = pairs.map((p) => JSON.stringify([p.en, p.surface, p.zh]));
  return `{"format":1,"pairs":[\n${rows.join(',\n')}\n]}\n`;
}

async function main(dir: string, out: string): Promise<void> {
  const papers = await loadArchive(dir);
  const parallel = papers.flatMap(parallelTitles);
  const pairs = mineTerms(parallel);
  await writeFile(out, tableJson(pairs));
  console.log(
    `${papers.length} papers, ${parallel.length} parallel titles → ${pairs.length} pairs ` +
      `(min count ${MINE_DEFAULTS.minCount}, min Dice ${MINE_DEFAULTS.minDice}) → ${out}`,
  );
  if (process.env.MINE_PRINT === '1') for (const p of pairs) console.log(`${p.count}\t${p.dice}\t${p.surface}\t${p.zh}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2] ?? '../shared/digests', process.argv[3] ?? 'src/search/term-table.json').catch((error: unknown) => {
    console.error(`mine-terms: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
