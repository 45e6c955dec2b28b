/**
 * `npm run bench:parse [-- <dir>...]`: MB/s of parseDigest, side by side with a bare remark-gfm parse of the same
 * files in the same run (the baseline the parser has to beat ≥10×), for each folder given — by default each folder
 * under ../shared/digests (lcollection, other, other2). Every folder's files are read into memory first, so only
 * parsing is timed.
 *
 * Then the linear-time check: a generated heading-per-paper digest (the daily-arXiv-ai-enhanced layout) of about
 * 1 MB with 400 papers, and the same layout at 2× and 4× the size; the time per MB must stay flat.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { collectFiles } from '../src/cli/parse.ts';
import { parseDigest } from '../src/digest/index.ts';

const TARGET = 10;
const processor = unified().use(remarkParse).use(remarkGfm);

function time(run: () => number): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const count = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, count };
}

async function folders(): Promise<string[]> {
  const given = process.argv.slice(2);
  if (given.length > 0) return given;
  const root = '../shared/digests';
  const entries = await readdir(root, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => join(root, e.name)).sort();
}

async function benchFolder(dir: string): Promise<boolean> {
  const files = await collectFiles([dir]);
  const inputs = await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
  const mb = inputs.reduce((n, i) => n + Buffer.byteLength(i.text), 0) / 1e6;
  // Warm-up on a slice so neither side pays for JIT compilation in its timed run.
  for (const { file, text } of inputs.slice(0, 20)) {
    parseDigest({ text, fileName: file });
    processor.parse(text);
  }
  const ours = time(() => inputs.reduce((n, { file, text }) => n + parseDigest({ text, fileName: file }).papers.length, 0));
  const remarkAll = time(() => inputs.reduce((n, { text }) => n + processor.parse(text).children.length, 0));
  const rate = (s: number): string => (mb / s).toFixed(2);
  const speedUp = remarkAll.seconds / ours.seconds;
  console.log(`corpus: ${files.length} files, ${mb.toFixed(1)} MB (${dir})`);
  console.log(`  parseDigest:      ${ours.seconds.toFixed(2)} s  ${rate(ours.seconds)} MB/s  (${ours.count} papers)`);
  console.log(`  bare remark-gfm:  ${remarkAll.seconds.toFixed(2)} s  ${rate(remarkAll.seconds)} MB/s  (${remarkAll.count} top-level nodes)`);
  console.log(`  speed-up:         ${speedUp.toFixed(2)}×  (target ≥${TARGET}×)${speedUp >= TARGET ? '' : '  BELOW TARGET'}`);
  return speedUp >= TARGET;
}

/** A heading-per-paper digest with `papers` papers of about 2.6 KB each (TL;DR, details block, long abstract). */
export function headingPerPaperDigest(papers: number): string {
  const out = ['<div id=toc></div>', '', '# Table of Contents', '', '- [cs.CV](#cs.CV) [Total: 1]', '', "<div id='cs.CV'></div>", '', '# cs.CV [[Back]](#toc)', ''];
  for (let i = 0; i < papers; i++) {
    const id = `2512.${String(10000 + i)}`;
    out.push(
      `### [${i + 1}] [A Study of Scalable Method Number ${i} for Vision and Language](https://arxiv.org/abs/${id})`,
      `*Author A${i},Author B${i},Author C${i},Author D${i}*`,
      '',
      'Main category: cs.CV',
      '',
      `TL;DR: 该论文提出了第${i}种可扩展的方法，在多个基准上取得了显著提升，并分析了其局限性与未来方向。`,
      '',
      '<details>',
      '  <summary>Details</summary>',
      `Motivation: ${'现有方法在大规模场景下效率低下，难以推广。'.repeat(4)}`,
      '',
      `Method: ${'我们设计了分层结构与稀疏注意力机制。'.repeat(4)}`,
      '',
      `Abstract: ${'We present a scalable method that improves efficiency on large benchmarks while keeping accuracy. '.repeat(16)}`,
      '',
      '</details>',
      '',
    );
  }
  return out.join('\n');
}

function linearCheck(): boolean {
  const sizes = [400, 800, 1600];
  const perMb: number[] = [];
  for (const papers of sizes) {
    const text = headingPerPaperDigest(papers);
    const mb = Buffer.byteLength(text) / 1e6;
    parseDigest({ text, fileName: 'data/2025-12-13.md' });
    let best = Infinity;
    let found = 0;
    for (let run = 0; run < 3; run++) {
      const t = time(() => parseDigest({ text, fileName: 'data/2025-12-13.md' }).papers.length);
      best = Math.min(best, t.seconds);
      found = t.count;
    }
    perMb.push(best / mb);
    console.log(`heading-per-paper: ${papers} papers, ${mb.toFixed(2)} MB: ${(best * 1000).toFixed(0)} ms (${found} papers, ${(best / mb * 1000).toFixed(0)} ms/MB)`);
  }
  const growth = perMb[perMb.length - 1]! / perMb[0]!;
  console.log(`  time per MB at 4× the size: ${growth.toFixed(2)}× (linear ≈ 1×; must stay under 2×)`);
  return growth < 2;
}

let ok = true;
for (const dir of await folders()) {
  try {
    ok = (await benchFolder(dir)) && ok;
  } catch (error) {
    console.error(`bench:parse: ${dir}: ${(error as Error).message}`);
    ok = false;
  }
}
ok = linearCheck() && ok;
process.exitCode = ok ? 0 : 1;
