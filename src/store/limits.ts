/**
 * Size limits of a stored paper (issue 15): no digest or import line, however hostile, can put a field into the
 * store that the search index, Discord embeds or the preview cannot handle. Bounding happens once, where every
 * writer passes (`PaperStore.upsertMany`), so ingest, `cli import` and later writers share the same limits.
 * Pure.
 */
import type { Paper } from '../digest/types.ts';

/** Longest value, in UTF-16 units, of each kind of field. Real papers stay far below: arXiv caps abstracts at 1,920. */
export const PAPER_LIMITS = {
  /** Titles (translated and original). */
  title: 2_000,
  /** Abstracts (translated and original) and notes. */
  text: 20_000,
  /** One author name. */
  author: 300,
  /** Authors listed (large collaborations list thousands; the first ones are kept). */
  authors: 3_000,
  /** All author names together. */
  authorsTotal: 60_000,
  /** Every other string field: ids, DOIs, dates, links, source. */
  other: 2_048,
} as const;

const LIMIT_OF: Partial<Record<string, number>> = {
  title: PAPER_LIMITS.title,
  titleOriginal: PAPER_LIMITS.title,
  abstract: PAPER_LIMITS.text,
  abstractOriginal: PAPER_LIMITS.text,
  notes: PAPER_LIMITS.text,
};

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair, ending in `…` when cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}

/** A paper within {@link PAPER_LIMITS}, and the names of the fields that had to be cut (empty when none). */
export function boundPaper<P extends Paper>(paper: P): { paper: P; cut: string[] } {
  const cut: string[] = [];
  const out: Record<string, unknown> = { ...(paper as Record<string, unknown>) };
  for (const [key, value] of Object.entries(paper)) {
    if (typeof value === 'string') {
      const bounded = truncateText(value, LIMIT_OF[key] ?? PAPER_LIMITS.other);
      if (bounded !== value) {
        out[key] = bounded;
        cut.push(key);
      }
    } else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      const list = boundList(value as string[]);
      if (list.length !== value.length || list.some((item, i) => item !== value[i])) {
        out[key] = list;
        cut.push(key);
      }
    }
  }
  return { paper: out as P, cut };
}

function boundList(items: readonly string[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (const item of items) {
    if (out.length >= PAPER_LIMITS.authors) break;
    const bounded = truncateText(item, PAPER_LIMITS.author);
    total += bounded.length;
    if (total > PAPER_LIMITS.authorsTotal) break;
    out.push(bounded);
  }
  return out;
}
