/**
 * `npm run bench:parse [-- <dir>]`: MB/s of parseDigest over the shared digest corpus, side by side with a
 * bare remark-gfm parse of the same files in the same run (the baseline the parser has to beat ≥3×).
 * Reads every `*.md` under the folder (default ../shared/digests) into memory first, so only parsing is timed.
 */
import { readFile } from 'node:fs/promises';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { collectFiles } from '../src/cli/parse.ts';
import { parseDigest } from '../src/digest/index.ts';

const dir = process.argv[2] ?? '../shared/digests';
const files = await collectFiles([dir]).catch((error: unknown) => {
  console.error(`bench:parse: ${(error as Error).message}`);
  process.exit(1);
});
const inputs = await Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
const bytes = inputs.reduce((n, i) => n + Buffer.byteLength(i.text), 0);
const mb = bytes / 1e6;

function time(run: () => number): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const count = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, count };
}

const processor = unified().use(remarkParse).use(remarkGfm);
// Warm-up on a slice so neither side pays for JIT compilation in its timed run.
for (const { file, text } of inputs.slice(0, 20)) {
  parseDigest({ text, fileName: file });
  processor.parse(text);
}
const ours = time(() => inputs.reduce((n, { file, text }) => n + parseDigest({ text, fileName: file }).papers.length, 0));
const remarkAll = time(() => inputs.reduce((n, { text }) => n + processor.parse(text).children.length, 0));

const rate = (s: number): string => (mb / s).toFixed(2);
console.log(`corpus: ${files.length} files, ${mb.toFixed(1)} MB (${dir})`);
console.log(`parseDigest:      ${ours.seconds.toFixed(2)} s  ${rate(ours.seconds)} MB/s  (${ours.count} papers)`);
console.log(`bare remark-gfm:  ${remarkAll.seconds.toFixed(2)} s  ${rate(remarkAll.seconds)} MB/s  (${remarkAll.count} top-level nodes)`);
console.log(`speed-up:         ${(remarkAll.seconds / ours.seconds).toFixed(2)}×`);
