/**
 * `npm run --silent corpus-check -- <dir>` (default ../shared/digests): parse every `*.md` under the folder
 * and fail unless there are no crashes, every paper identifier of every file is accounted for, every `[PDF](…)`
 * row of the lcollection digests is recovered as a paper, and no title is dirty (newline, `**`, translator's note,
 * leading "标题", HTML, numbering or emoji prefix, invisible characters). Prints recall and the "links but no
 * papers" count per folder (the folders right under `<dir>`: lcollection, other, other2).
 *
 * "Accounted for", per file: every paper identifier written in the file (arXiv/alphaxiv/Hugging Face links,
 * bioRxiv/medRxiv/doi.org DOIs, `arXiv:` text, `data-arxiv-id`) is a parsed paper, unless it is a justified
 * non-paper:
 * - it only occurs inside fenced code blocks (never papers);
 * - it only occurs as an `arXiv:` mention after other text on its line (a paper cited in a summary or abstract);
 * - it only occurs on lines where an earlier identifier on the same line is a parsed paper (a citation inside
 *   another paper's row or block line);
 * - the file is the data folder's own documentation (`SOURCES.md`), which is skipped.
 *
 * "Recovered" for lcollection is checked exactly, per file: the set of paper ids parsed must equal the set of ids
 * of the links written as `[PDF](…)`, and papers + duplicate warnings must equal the number of `[PDF](` rows.
 *
 * Then a known-item check over the real papers: for a seeded sample, the two most distinctive words of the title
 * (the rarest across all titles, Chinese words by `Intl.Segmenter`) must find the paper in the top 3 of the search
 * engine for at least {@link KNOWN_ITEM_TARGET} of the sample.
 */
import { readFile } from 'node:fs/promises';
import { collectFiles } from '../src/cli/parse.ts';
import { anchorsIn } from '../src/digest/anchors.ts';
import { paperIdentity, parseDigest, type Paper } from '../src/digest/index.ts';
import { SearchIndex } from '../src/search/index.ts';

/** Share of sampled papers a distinctive-words query must find in the top 3. */
const KNOWN_ITEM_TARGET = 0.95;
const KNOWN_ITEM_SAMPLE = 400;
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const titleWords = (title: string) =>
  [...new Set([...segmenter.segment(title.toLowerCase())].filter((s) => s.isWordLike && [...s.segment].length >= 2).map((s) => s.segment))];

/** hit@3 of distinctive-title-word queries over a seeded sample of `papers`. */
function knownItems(papers: Paper[]): { hits: number; total: number; misses: string[] } {
  const df = new Map<string, number>();
  const words = new Map<string, string[]>();
  for (const p of papers) {
    const w = titleWords(p.title);
    words.set(p.id, w);
    for (const x of w) df.set(x, (df.get(x) ?? 0) + 1);
  }
  const index = new SearchIndex();
  index.add(papers);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const candidates = papers.filter((p) => (words.get(p.id)?.length ?? 0) >= 2);
  let hits = 0;
  let total = 0;
  const misses: string[] = [];
  for (let i = 0; i < KNOWN_ITEM_SAMPLE && candidates.length > 0; i++) {
    const paper = candidates[Math.floor(rand() * candidates.length)]!;
    const query = [...(words.get(paper.id) ?? [])].sort((a, b) => (df.get(a) ?? 0) - (df.get(b) ?? 0)).slice(0, 2).join(' ');
    total++;
    if (index.search(query, { limit: 3 }).results.some((r) => r.id === paper.id)) hits++;
    else if (misses.length < 5) misses.push(`${JSON.stringify(query)} → ${paper.id} ${JSON.stringify(paper.title.slice(0, 50))}`);
  }
  return { hits, total, misses };
}

const DIRTY_TITLE: Array<[string, RegExp]> = [
  ['newline', /[\r\n]/],
  ['bold markers', /\*\*/],
  ['translator note', /^(?:解析|注|说明)[：:]|[（(](?:注|解析|说明)[：:]|翻译说明|以下是|翻译成中文|中文翻译|可以翻译为|翻译如下|根据您的要求/],
  ['leading 标题', /^标题/],
  ['HTML', /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?>/i],
  ['numbering prefix', /^(?:\[\d{1,4}\]|\d{1,4}[.)、](?!\d))\s/],
  ['emoji prefix', /^\p{Extended_Pictographic}/u],
  ['invisible character', /[\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFEFF\u{E0000}-\u{E007F}]/u],
];

/** Per-folder figures. */
interface FolderStats {
  files: number;
  papers: number;
  identifiers: number;
  justified: number;
  found: number;
  /** Files whose identifiers gave no paper at all (the `unrecognised-layout` warning). */
  linksNoPapers: number;
}

/**
 * The paper identifiers of a file that must be papers (see the rules at the top), and how many were justified as
 * non-papers. `parsed` is the set of ids the parser produced for the file.
 */
export function expectedIdentifiers(text: string, parsed: ReadonlySet<string>): { expected: Map<string, number>; justified: number } {
  const lines = text.split(/\r\n?|\n/);
  const must = new Map<string, number>();
  const seen = new Set<string>();
  let fence = '';
  lines.forEach((line, i) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (f && f[1]![0] === fence[0] && line.trim() === f[1]) fence = '';
      return;
    }
    if (f) {
      fence = f[1]!;
      return;
    }
    const anchors = anchorsIn(line);
    anchors.forEach((a, k) => {
      const id = a.identity.id;
      seen.add(id);
      const cited = a.kind === 'text' && line.slice(0, a.at).trim() !== '' && !/^[-*+>|#\s]*$/.test(line.slice(0, a.at));
      const inAnother = anchors.slice(0, k).some((b) => b.identity.id !== id && parsed.has(b.identity.id));
      if (!cited && !inAnother && !must.has(id)) must.set(id, i + 1);
    });
  });
  return { expected: must, justified: seen.size - must.size };
}

/** Problems with a title, empty when it is clean. */
export function titleProblems(paper: Paper): string[] {
  return DIRTY_TITLE.filter(([, re]) => re.test(paper.title)).map(([name]) => name);
}

async function main(dir: string): Promise<number> {
  const started = Date.now();
  const files = await collectFiles([dir]);
  let crashes = 0;
  let papers = 0;
  let pdfRows = 0;
  let bytes = 0;
  const failures: string[] = [];
  const distinct = new Map<string, Paper>();
  const folders = new Map<string, FolderStats>();
  for (const file of files) {
    if (/(?:^|[\\/])SOURCES\.md$/.test(file)) continue;
    const text = await readFile(file, 'utf8');
    bytes += Buffer.byteLength(text);
    let result;
    try {
      result = parseDigest({ text, fileName: file });
    } catch (error) {
      crashes++;
      failures.push(`${file}: crash: ${(error as Error).message}`);
      continue;
    }
    papers += result.papers.length;
    const folder = file.slice(dir.length).replace(/^[\\/]+/, '').split(/[\\/]/)[0] ?? '.';
    const stats = folders.get(folder) ?? { files: 0, papers: 0, identifiers: 0, justified: 0, found: 0, linksNoPapers: 0 };
    folders.set(folder, stats);
    const parsedIds = new Set(result.papers.map((p) => p.id));
    const { expected: mustBePapers, justified } = expectedIdentifiers(text, parsedIds);
    const unaccounted = [...mustBePapers].filter(([id]) => !parsedIds.has(id));
    stats.files++;
    stats.papers += result.papers.length;
    stats.identifiers += mustBePapers.size;
    stats.justified += justified;
    stats.found += mustBePapers.size - unaccounted.length;
    if (result.warnings.some((w) => w.kind === 'unrecognised-layout')) stats.linksNoPapers++;
    if (unaccounted.length > 0) {
      failures.push(`${file}: ${unaccounted.length} paper identifier(s) not accounted for: ${unaccounted.slice(0, 3).map(([id, line]) => `${id} (line ${line})`).join(', ')}`);
    }
    for (const p of result.papers) if (p.title && !distinct.has(p.id)) distinct.set(p.id, p);
    for (const p of result.papers) {
      const problems = titleProblems(p);
      if (problems.length > 0) failures.push(`${file}: ${p.id} title has ${problems.join(', ')}: ${JSON.stringify(p.title.slice(0, 80))}`);
    }
    if (!/[\\/]lcollection[\\/]/.test(file)) continue;
    const links = [...text.matchAll(/\[PDF\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    pdfRows += links.length;
    const expected = new Set(links.map((l) => paperIdentity(l).id));
    const found = new Set(result.papers.map((p) => p.id));
    const missing = [...expected].filter((id) => !found.has(id));
    const extra = [...found].filter((id) => !expected.has(id));
    const duplicates = result.warnings.filter((w) => w.kind === 'duplicate-paper').length;
    if (missing.length > 0 || extra.length > 0 || result.papers.length + duplicates !== links.length) {
      failures.push(
        `${file}: ${links.length} [PDF] rows, ${result.papers.length} papers + ${duplicates} duplicates; missing ${missing.slice(0, 3).join(' ') || 'none'}; extra ${extra.slice(0, 3).join(' ') || 'none'}`,
      );
    }
  }
  const known = knownItems([...distinct.values()]);
  const hitRate = known.total ? known.hits / known.total : 1;
  if (hitRate < KNOWN_ITEM_TARGET) failures.push(`known items: ${known.hits}/${known.total} in the top 3, below ${KNOWN_ITEM_TARGET}: ${known.misses.join('; ')}`);
  const seconds = (Date.now() - started) / 1000;
  console.log(`corpus-check ${dir}: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${papers} papers, ${pdfRows} lcollection [PDF] rows, ${crashes} crashes, ${seconds.toFixed(1)} s`);
  for (const [name, s] of [...folders].sort()) {
    const recall = s.identifiers ? ((s.found / s.identifiers) * 100).toFixed(2) : '100.00';
    console.log(
      `  ${name}: ${s.files} files, ${s.papers} papers; recall ${s.found}/${s.identifiers} identifiers (${recall}%), ${s.justified} justified non-papers; links but no papers: ${s.linksNoPapers} file(s)`,
    );
  }
  console.log(`known items: ${known.hits}/${known.total} distinctive-title-word queries find their paper in the top 3 (${(hitRate * 100).toFixed(1)}%, ${distinct.size} distinct papers)`);
  for (const m of known.misses) console.log(`  miss ${m}`);
  for (const f of failures.slice(0, 20)) console.log(`  FAIL ${f}`);
  if (failures.length > 20) console.log(`  … and ${failures.length - 20} more`);
  console.log(failures.length === 0 ? 'OK' : `FAILED: ${failures.length} problem(s)`);
  return failures.length === 0 ? 0 : 1;
}

main(process.argv[2] ?? '../shared/digests').then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`corpus-check: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
