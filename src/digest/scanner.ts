/**
 * A linear line scanner that finds the blocks a digest is made of: headings, status lines, table headers,
 * table rows, list items. remark-gfm ends a table at the first line that does not look like a row, which
 * loses every row whose title cell a translator broke over several lines; this scanner instead keeps a row
 * open until it has as many cells as its header (and the line closes with `|`), so such rows are recovered
 * whole. Each line is looked at a constant number of times, so time is linear in the input.
 */
import type { ParseWarning } from './types.ts';

/** One block of a digest, with 1-based line numbers. */
export type Block =
  | { kind: 'heading'; line: number; level: number; text: string }
  | { kind: 'status'; line: number; status: 'empty' | 'failed'; message: string }
  | { kind: 'table'; line: number; headers: string[] }
  | { kind: 'row'; line: number; endLine: number; text: string; closed: boolean }
  | { kind: 'item'; line: number; text: string };

/** A row spanning more lines than this gets a `huge-cell` warning (it is still parsed). */
export const HUGE_ROW_LINES = 500;

const HEADING = /^(#{1,6})(?:[ \t](.*))?$/;
const DELIMITER_CELL = /^:?-+:?$/;

/**
 * True for a table delimiter row (`|---|:--:|`). Checked cell by cell: the single regex this replaces had nested
 * quantifiers that backtrack polynomially on a long row of dashes and spaces.
 */
function isDelimiter(line: string): boolean {
  if (!line.includes('-')) return false;
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|')) t = t.slice(0, -1);
  const cells = t.split('|');
  return cells.every((c) => DELIMITER_CELL.test(c.trim()));
}
const STATUS_EMPTY = /^>\s*(当天没有抓取到有效论文.*)$/;
const STATUS_FAILED = /^>\s*(抓取失败.*)$/;
const LIST_ITEM = /^[-*+][ \t]+\S/;

/** Number of `|` in a line that are not escaped as `\|`. */
export function countPipes(line: string): number {
  let n = 0;
  for (let i = line.indexOf('|'); i !== -1; i = line.indexOf('|', i + 1)) {
    if (i === 0 || line.charCodeAt(i - 1) !== 92) n++;
  }
  return n;
}

/** Split a row (possibly spanning lines) into raw cells, dropping the outer pipes. */
export function splitCells(row: string): string[] {
  const cells = row.split(/(?<!\\)\|/);
  if (cells.length > 0 && cells[0]!.trim() === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells;
}

function endsWithPipe(line: string): boolean {
  const t = line.trimEnd();
  return t.endsWith('|') && !t.endsWith('\\|');
}

/** Scan lines (already without BOM and `\r`) into blocks; warnings go to `warn`. */
export function scan(lines: readonly string[], warn: (w: ParseWarning) => void): Block[] {
  const blocks: Block[] = [];
  let columns = 0; // columns of the current table, 0 when not in a table
  let row: { line: number; parts: string[]; pipes: number } | null = null;

  const closeRow = (endLine: number, closed: boolean): void => {
    if (!row) return;
    while (!closed && row.parts.length > 1 && row.parts[row.parts.length - 1]!.trim() === '') row.parts.pop();
    if (!closed) {
      warn({ line: row.line, kind: 'unclosed-row', message: `table row at line ${row.line} never closes (ends at line ${endLine})` });
    }
    if (row.parts.length > HUGE_ROW_LINES) {
      warn({ line: row.line, kind: 'huge-cell', message: `table row at line ${row.line} spans ${row.parts.length} lines` });
    } else if (row.parts.length > 1) {
      warn({ line: row.line, kind: 'broken-row', message: `table row at line ${row.line} is broken over ${row.parts.length} lines` });
    }
    blocks.push({ kind: 'row', line: row.line, endLine, text: row.parts.join('\n'), closed });
    row = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const n = i + 1;
    const trimmed = line.trim();

    if (row) {
      const pipes = countPipes(line);
      // A line that is a whole row by itself means the open row was never closed: recover both.
      if (trimmed.startsWith('|') && pipes >= columns + 1 && endsWithPipe(trimmed)) {
        closeRow(n - 1, false);
      } else if (trimmed.startsWith('|')) {
        // A table inside a cell (LLMs write whole mini-documents into title cells): its pipes are cell
        // text, not column separators, so they are escaped and not counted.
        row.parts.push(line.replace(/(?<!\\)\|/g, '\\|'));
        continue;
      } else {
        row.parts.push(line);
        row.pipes += pipes;
        if (row.pipes >= columns + 1 && endsWithPipe(line)) closeRow(n, true);
        continue;
      }
    }

    if (trimmed.startsWith('|')) {
      if (columns > 0 && !(trimmed.length < 4096 && isDelimiter(trimmed))) {
        const pipes = countPipes(trimmed);
        row = { line: n, parts: [line], pipes };
        if (pipes >= columns + 1 && endsWithPipe(trimmed)) closeRow(n, true);
        continue;
      }
      const next = lines[i + 1];
      if (next !== undefined && next.length < 4096 && isDelimiter(next)) {
        const headers = splitCells(trimmed);
        columns = headers.length;
        blocks.push({ kind: 'table', line: n, headers });
        i++;
        continue;
      }
    }
    // Anything that is not a row ends the table.
    columns = 0;
    if (trimmed === '') continue;
    const first = trimmed.charCodeAt(0);
    if (first === 35 /* # */) {
      const h = HEADING.exec(trimmed);
      // Closing hashes are trimmed by hand: a `.*?[ #]*$` pattern backtracks quadratically on long lines.
      if (h) blocks.push({ kind: 'heading', line: n, level: h[1]!.length, text: trimClosingHashes(h[2] ?? '') });
    } else if (first === 62 /* > */) {
      const empty = STATUS_EMPTY.exec(trimmed);
      const failed = empty ? null : STATUS_FAILED.exec(trimmed);
      if (empty) blocks.push({ kind: 'status', line: n, status: 'empty', message: empty[1]!.trim() });
      else if (failed) blocks.push({ kind: 'status', line: n, status: 'failed', message: failed[1]!.trim() });
    } else if (LIST_ITEM.test(trimmed)) {
      blocks.push({ kind: 'item', line: n, text: trimmed });
    }
  }
  closeRow(lines.length, false);
  return blocks;
}

function trimClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '#' || text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end).trim();
}
