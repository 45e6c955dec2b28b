/** Date and source hints from file names and headings. */

/** What a file name or heading says about the digest it holds. */
export interface DigestHints {
  /** YYYY-MM-DD, or null. */
  date: string | null;
  /** `arxiv`, `biorxiv`, `medrxiv`, or null when not named. */
  source: string | null;
}

const DATE = /(\d{4})[-./_](\d{2})[-./_](\d{2})/;

/**
 * The first plausible calendar date in `text` as YYYY-MM-DD, else null. Only real dates (no 2025-02-30): the store
 * sorts papers by date, and `cli import` accepts the dates ingest writes and no others (store/import-rules.ts).
 */
export function findDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(y), month)) return null;
  return `${y}-${mo}-${d}`;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_DATE = /\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\.?[ \t]{1,3}(\d{1,2}),?[ \t]{1,3}(\d{4})\b/i;

/** {@link findDate}, or an English month-name date (`August 22, 2026`, `Aug 2 2026`). */
export function findLooseDate(text: string): string | null {
  const iso = findDate(text);
  if (iso) return iso;
  const m = MONTH_DATE.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
  const day = Number(m[2]);
  if (day < 1 || day > daysIn(Number(m[3]), month)) return null;
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The preprint server named in `text` (case-insensitive), else null. */
export function findSource(text: string): string | null {
  const lower = text.toLowerCase();
  if (lower.includes('biorxiv')) return 'biorxiv';
  if (lower.includes('medrxiv')) return 'medrxiv';
  if (lower.includes('arxiv')) return 'arxiv';
  return null;
}

/**
 * Hints from a file name such as `2025-11-23-arxiv.md` or `digests/2025-05-01.md`. The date comes from the base
 * name, else from the folders (`dates/2025-10-16/index.md`); the source from the base name only.
 */
export function digestHintsFromFileName(fileName: string): DigestHints {
  const parts = fileName.split(/[\\/]/);
  const base = parts.pop() ?? '';
  return { date: findDate(base) ?? pathDate(parts), source: findSource(base) };
}

/**
 * The date named by the folders of a path when the base name has none: `…/dates/2025-10-16/index.md`, or
 * `…/2026/07/14/index.md`. The innermost folder wins.
 */
function pathDate(folders: readonly string[]): string | null {
  for (let i = folders.length - 1; i >= 0; i--) {
    const date = findDate(folders[i]!) ?? (i >= 2 ? findDate(folders.slice(i - 2, i + 1).join('/')) : null);
    if (date) return date;
  }
  return null;
}
