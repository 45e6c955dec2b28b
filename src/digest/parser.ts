/**
 * The digest parser: markdown text in, digests and papers out. Pure (no I/O) and total: any input,
 * including binary junk or a 50 MB file, gives a result with warnings rather than an exception.
 */
import { splitAuthors } from './authors.ts';
import { extractBlocks, type BlockPaper } from './blocks.ts';
import { columnRoles, type ColumnRole } from './columns.ts';
import { digestHintsFromFileName, findDate, findLooseDate, findSource } from './hints.ts';
import { paperIdentity, type PaperIdentity } from './identity.ts';
import { scan, splitCells, type Block } from './scanner.ts';
import { cellText, type CellMode } from './text.ts';
import { cleanTitle } from './title.ts';
import type { Digest, DigestStatus, Paper, ParseInput, ParseResult, ParseWarning } from './types.ts';

/** Options for tests and benchmarks; callers normally pass none. */
export interface ParseOptions {
  /** `remark` converts every cell with remark (the reference the fast path is tested against). */
  cellMode?: CellMode;
}

interface OpenDigest extends Digest {
  line: number;
  /** A table of papers was seen: an empty digest with one is real, without one it is a placeholder. */
  hadTable: boolean;
  ids: Set<string>;
}

const NONE = /^(?:n\/?a|null|none|无|-|—)?$/i;
// `- 2022-11-29, **Title**, Name et.al., Paper: [url](url), Code: **[url](url)**`, read in steps (each a bounded
// regex or an indexOf) rather than one pattern whose lazy groups backtrack polynomially on a long line.
const LIST_HEAD = /^[-*+][ \t]+(\d{4}-\d{2}-\d{2}),[ \t]*\*\*/;
const LIST_LINK = /,[ \t]*Paper:[ \t]*\[[^\]]{0,2000}\]\(([^)\s]{1,2000})\)/y;
const LIST_CODE = /,[ \t]*Code:[ \t]*\**\[[^\]]{0,2000}\]\(([^)\s]{1,2000})\)/y;

/** The parts of a cv-arxiv-daily list item: date, title, authors, paper link and code link; null if it is not one. */
export function listItemParts(text: string): { date: string; title: string; authors: string; link: string; code: string | null } | null {
  const head = LIST_HEAD.exec(text);
  if (!head) return null;
  const titleStart = head[0].length;
  const titleEnd = text.indexOf('**,', titleStart + 1);
  if (titleEnd === -1) return null;
  // Authors run to the first `, Paper: [..](..)` after the title.
  for (let comma = text.indexOf(',', titleEnd + 3); comma !== -1; comma = text.indexOf(',', comma + 1)) {
    const rest = text.slice(comma, comma + 40);
    if (!/^,[ \t]*Paper:/.test(rest)) continue;
    LIST_LINK.lastIndex = comma;
    const link = LIST_LINK.exec(text);
    if (!link) return null;
    LIST_CODE.lastIndex = LIST_LINK.lastIndex;
    const code = LIST_CODE.exec(text);
    return { date: head[1]!, title: text.slice(titleStart, titleEnd), authors: text.slice(titleEnd + 3, comma).trim(), link: link[1]!, code: code?.[1] ?? null };
  }
  return null;
}

/** Parse one digest file. Never throws. */
export function parseDigest(input: ParseInput, options: ParseOptions = {}): ParseResult {
  try {
    return parse(input, options.cellMode ?? 'auto');
  } catch (error) {
    // Defence in depth: a bug here must cost one file's papers, not the caller's process.
    return { digests: [], papers: [], warnings: [{ line: 1, kind: 'parse-error', message: `parser failed: ${(error as Error)?.message ?? String(error)}` }] };
  }
}

function parse(input: ParseInput, mode: CellMode): ParseResult {
  const warnings: ParseWarning[] = [];
  const warn = (w: ParseWarning): void => {
    warnings.push(w);
  };
  let text = typeof input.text === 'string' ? input.text : '';
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const hints = digestHintsFromFileName(input.fileName ?? '');
  if (text.trim() === '') {
    warn({ line: 1, kind: 'empty-file', message: 'the file is empty' });
    return { digests: [], papers: [], warnings };
  }
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const line = countLines(text, nul);
    warn({ line, kind: 'binary', message: `binary content (NUL byte) at line ${line}; not a digest` });
    return { digests: [], papers: [], warnings };
  }

  // CRLF, LF and old-Mac CR-only line endings alike; a file with LF only (most) is split without a regex.
  const lines = text.includes('\r') ? text.split(/\r\n?|\n/) : text.split('\n');
  const blocks = scan(lines, warn);
  const found = extractBlocks(lines, tableRowLines(blocks, lines.length));
  hints.date ??= bodyDate(lines);

  const digests: OpenDigest[] = [];
  const fresh = (line: number, date: string | null, source: string | null): OpenDigest => ({
    date,
    source: source ?? hints.source ?? 'arxiv',
    status: 'ok',
    message: null,
    papers: [],
    line,
    hadTable: false,
    ids: new Set(),
  });
  let current = fresh(1, hints.date, hints.source);
  digests.push(current);
  let roles: ColumnRole[] | null = null;

  for (const block of blocks) {
    switch (block.kind) {
      case 'heading': {
        // Paper headings and headings inside code or `<details>` never open a digest.
        if (block.level > 2 || found.paperHeadings.has(block.line - 1) || found.hidden[block.line - 1]) break;
        const date = findDate(block.text);
        const source = findSource(block.text);
        if (!date && !source) break;
        const next = fresh(
          block.line,
          date ?? (block.level === 1 ? hints.date : current.date),
          source ?? (block.level === 1 ? null : current.source),
        );
        // A digest with nothing in it yet (the file-level default, or a summary heading followed by its
        // `## arXiv` sections) is a placeholder: replace it rather than report an empty digest.
        if (isPlaceholder(current)) digests.pop();
        digests.push(next);
        current = next;
        roles = null;
        break;
      }
      case 'status':
        current.status = block.status as DigestStatus;
        current.message = block.message;
        break;
      case 'table':
        roles = columnRoles(block.headers);
        if (roles) current.hadTable = true;
        break;
      case 'row':
        if (roles) addPaper(current, rowPaper(block, roles, current, mode, warn), block.line, warn);
        break;
      case 'item': {
        const paper = listPaper(block, current, mode);
        if (paper) {
          current.hadTable = true;
          addPaper(current, paper, block.line, warn);
        }
        break;
      }
    }
  }

  placeBlockPapers(digests, found.papers, warn);
  const kept = digests.filter((d) => !isPlaceholder(d));
  // Rows recognised but without links already say why (row-without-link); anything else is a layout not understood.
  if (found.identifiers > 0 && kept.every((d) => d.papers.length === 0) && !warnings.some((w) => w.kind === 'row-without-link')) {
    const line = found.firstIdentifierLine;
    const n = found.identifiers;
    warn({ line, kind: 'unrecognised-layout', message: `line ${line}: ${n} paper link${n === 1 ? '' : 's'} but no papers recognised: layout not understood` });
  }
  for (const d of kept) {
    if (d.date === null) warn({ line: d.line, kind: 'no-date', message: `no date for the digest at line ${d.line} (not in its heading nor the file name)` });
    if (d.status === 'ok' && d.papers.length === 0) warn({ line: d.line, kind: 'no-papers', message: `the digest at line ${d.line} lists no papers` });
  }
  const out: Digest[] = kept.map((d) => ({ date: d.date, source: d.source, status: d.status, message: d.message, papers: d.papers }));
  warnings.sort((a, b) => a.line - b.line);
  return { digests: out, papers: out.flatMap((d) => d.papers), warnings };
}

/**
 * Give each paper of the block pass to the digest it appears under (the last digest opened at or before its line),
 * unless the table pass already produced it.
 */
function placeBlockPapers(digests: OpenDigest[], papers: readonly BlockPaper[], warn: (w: ParseWarning) => void): void {
  if (papers.length === 0) return;
  const known = new Set<string>();
  for (const d of digests) for (const id of d.ids) known.add(id);
  let at = 0;
  for (const p of papers) {
    if (known.has(p.identity.id)) continue;
    while (at + 1 < digests.length && digests[at + 1]!.line <= p.line) at++;
    const digest = digests[at]!;
    const identity = p.identity;
    if (!p.title) warn({ line: p.line, kind: 'row-without-title', message: `line ${p.line}: ${identity.id} has no title in the digest` });
    digest.hadTable = true;
    addPaper(
      digest,
      paperOf(identity, digest, {
        source: p.source ?? digest.source,
        published: p.published,
        title: p.title,
        titleOriginal: p.titleOriginal,
        authors: p.authors,
        abstract: p.abstract,
        abstractOriginal: p.abstractOriginal,
        pdfUrl: identity.pdfUrl,
        url: p.url ?? identity.url,
        codeUrl: p.codeUrl,
        notes: null,
        categories: p.categories,
      }),
      p.line,
      warn,
    );
  }
}

/** Lines (0-based) of the table rows the table pass reads: rows under a header with a title column. */
function tableRowLines(blocks: readonly Block[], count: number): Uint8Array {
  const rows = new Uint8Array(count);
  let paperTable = false;
  for (const block of blocks) {
    if (block.kind === 'table') paperTable = columnRoles(block.headers) !== null;
    else if (block.kind === 'row' && paperTable) rows.fill(1, block.line - 1, block.endLine);
    else if (block.kind === 'heading') paperTable = false;
  }
  return rows;
}

/** A date for a file whose name and path have none: a `Last Updated:`/`Generated:` line near the top. */
function bodyDate(lines: readonly string[]): string | null {
  const top = Math.min(lines.length, 200);
  for (let i = 0; i < top; i++) {
    const line = lines[i]!;
    if (line.length < 300 && /last updated|updated on|updated|generated|deployment|date/i.test(line)) {
      const date = findLooseDate(line);
      if (date) return date;
    }
  }
  return null;
}

function isPlaceholder(d: OpenDigest): boolean {
  return d.papers.length === 0 && d.status === 'ok' && !d.hadTable;
}

function addPaper(digest: OpenDigest, paper: Paper | null, line: number, warn: (w: ParseWarning) => void): void {
  if (!paper) return;
  if (digest.ids.has(paper.id)) {
    warn({ line, kind: 'duplicate-paper', message: `line ${line}: ${paper.id} is already listed in this digest` });
    return;
  }
  digest.ids.add(paper.id);
  digest.papers.push(paper);
}

/** Cells of a row matched to the header, repairing rows with stray `|` inside a cell. */
function alignCells(text: string, roles: ColumnRole[]): string[] {
  const cells = splitCells(text);
  if (cells.length <= roles.length) {
    while (cells.length < roles.length) cells.push('');
    return cells;
  }
  // Too many cells: a `|` inside the title (or a table inside a cell). Anchor on the PDF link column and
  // give the surplus before it to the title, after it to the last column.
  const pdfAt = roles.indexOf('pdf');
  const titleAt = roles.indexOf('title');
  const found = cells.findIndex((c) => /\]\(\s*https?:|^\s*https?:\/\//.test(c));
  if (pdfAt > titleAt && titleAt >= 0 && found > pdfAt) {
    const extra = found - pdfAt;
    const merged = [...cells.slice(0, titleAt), cells.slice(titleAt, titleAt + extra + 1).join('|'), ...cells.slice(titleAt + extra + 1)];
    cells.splice(0, cells.length, ...merged);
  }
  if (cells.length > roles.length) {
    const tail = cells.splice(roles.length - 1).join('|');
    cells.push(tail);
  }
  return cells;
}

/** A cell's value: its text (collapsed to one line as cellText leaves it; null when empty or a "none" placeholder) and links. */
interface CellValue {
  text: string | null;
  links: readonly string[];
}

// What an empty cell reads as. Most tables have only some of the roles, and the absent ones (an empty cell each)
// are asked for on every row: this spares converting the empty string each time.
const NO_VALUE: CellValue = Object.freeze({ text: null, links: Object.freeze([]) });

function rowPaper(block: Extract<Block, { kind: 'row' }>, roles: ColumnRole[], digest: OpenDigest, mode: CellMode, warn: (w: ParseWarning) => void): Paper | null {
  const cells = alignCells(block.text, roles);
  const raw = (role: ColumnRole): string => {
    const i = roles.indexOf(role);
    return i === -1 ? '' : (cells[i] ?? '');
  };
  const value = (role: ColumnRole): CellValue => {
    const cell = raw(role);
    if (cell === '') return NO_VALUE;
    const c = cellText(cell, mode);
    return { text: NONE.test(c.text) ? null : c.text, links: c.links };
  };

  const titleCell = raw('title');
  const { title: cleanedTitle, notes, links: titleLinks } = cleanTitle(titleCell, mode);
  const original = value('titleOriginal');
  const pdf = value('pdf');
  const link = pdf.links[0] ?? (pdf.text && /^https?:\/\//.test(pdf.text) ? pdf.text : undefined) ?? titleLinks[0];
  if (!link) {
    warn({ line: block.line, kind: 'row-without-link', message: `table row at line ${block.line} has no paper link; skipped` });
    return null;
  }
  let title = cleanedTitle || (original.text ? cleanTitle(original.text, mode).title : '');
  let allNotes = notes;
  // A hallucinated essay instead of a translated title: several sentences, far longer than any title.
  // The English title beside it is then the better title, and the essay is kept as a note.
  if (original.text && title.length > 80 && isEssay(title)) {
    allNotes = notes ? `${title} ${notes}` : title;
    title = cleanTitle(original.text, mode).title;
  }
  // Kept with an empty title: the link still identifies a real paper the generator listed.
  if (!title) warn({ line: block.line, kind: 'row-without-title', message: `table row at line ${block.line} has no title` });
  const identity = paperIdentity(link);
  const code = value('code');
  const codeLink = code.links[0] ?? (code.text && /^https?:\/\//.test(code.text) ? code.text : null);
  const fromPdfColumn = link === pdf.links[0] || link === pdf.text;
  return paperOf(identity, digest, {
    source: digest.source,
    published: findDate(value('date').text ?? ''),
    title,
    titleOriginal: original.text,
    authors: splitAuthors(value('authors').text ?? ''),
    abstract: value('abstract').text,
    abstractOriginal: value('abstractOriginal').text,
    pdfUrl: identity.arxivId ? identity.pdfUrl : fromPdfColumn ? link : identity.pdfUrl,
    url: identity.url,
    codeUrl: codeLink,
    notes: allNotes,
    categories: value('categories').text?.split(/[,，;；、]/) ?? [],
  });
}

/** What a paper takes from its row or block: everything but its link's identity and its digest's date. */
type PaperFields = Omit<Paper, 'id' | 'arxivId' | 'version' | 'doi' | 'date' | 'variants' | 'meta' | 'categories'> & {
  /** Categories as the digest names them; blank ones are dropped. */
  categories: readonly string[];
};

/**
 * A paper: its link's identity, its digest's date, and `fields`. Built as one literal of fixed shape: the object
 * spreads this replaced (an identity spread, then more properties) were the costliest lines of the table pass.
 * `categories` is set only when the digest names some, so older layouts' output is unchanged.
 */
function paperOf(identity: PaperIdentity, digest: OpenDigest, fields: PaperFields): Paper {
  const paper: Paper = {
    id: identity.id,
    arxivId: identity.arxivId,
    version: identity.version,
    doi: identity.doi,
    source: fields.source,
    date: digest.date,
    published: fields.published,
    title: fields.title,
    titleOriginal: fields.titleOriginal,
    authors: fields.authors,
    abstract: fields.abstract,
    abstractOriginal: fields.abstractOriginal,
    pdfUrl: fields.pdfUrl,
    url: fields.url,
    codeUrl: fields.codeUrl,
    notes: fields.notes,
  };
  if (fields.categories.length > 0) {
    const categories = fields.categories.map((c) => c.trim()).filter((c) => c !== '');
    if (categories.length > 0) paper.categories = categories;
  }
  return paper;
}

function listPaper(block: Extract<Block, { kind: 'item' }>, digest: OpenDigest, mode: CellMode): Paper | null {
  // Long lines are not list papers.
  if (block.text.length > 4000 || !block.text.includes('Paper:')) return null;
  const m = listItemParts(block.text);
  if (!m) return null;
  const identity = paperIdentity(m.link);
  const title = cleanTitle(m.title, mode).title;
  if (!title) return null;
  return paperOf(identity, digest, {
    source: digest.source,
    published: m.date,
    title,
    titleOriginal: null,
    authors: splitAuthors(cellText(m.authors, mode).text),
    abstract: null,
    abstractOriginal: null,
    pdfUrl: identity.pdfUrl,
    url: identity.url,
    codeUrl: m.code,
    notes: null,
    categories: [],
  });
}

function countLines(text: string, upTo: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Three or more sentences, or a very long text with a sentence break: prose, not a title. */
function isEssay(title: string): boolean {
  let stops = 0;
  for (let i = title.indexOf('。'); i !== -1 && i < title.length - 1; i = title.indexOf('。', i + 1)) stops++;
  return stops >= 3 || (stops >= 1 && title.length > 200);
}
