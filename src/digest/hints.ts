/** Date and source hints from file names and headings. */

/** What a file name or heading says about the digest it holds. */
export interface DigestHints {
  /** YYYY-MM-DD, or null. */
  date: string | null;
  /** `arxiv`, `biorxiv`, `medrxiv`, or null when not named. */
  source: string | null;
}

const DATE = /(\d{4})[-./_](\d{2})[-./_](\d{2})/;

/** The first plausible calendar date in `text` as YYYY-MM-DD, else null. */
export function findDate(text: string): string | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [, y, mo, d] = m as unknown as [string, string, string, string];
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${y}-${mo}-${d}`;
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
 * Hints from a file name such as `2025-11-23-arxiv.md` or `digests/2025-05-01.md`; only the base name counts.
 * The source comes only from a `-<source>` suffix, so `Lcollection-arxiv_papers-…` still says arxiv.
 */
export function digestHintsFromFileName(fileName: string): DigestHints {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  return { date: findDate(base), source: findSource(base) };
}
