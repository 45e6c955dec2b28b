/**
 * What an imported record must satisfy beyond its shape (issue 15): `cli import` reads files anyone can edit, so a
 * record the bot could never have written — a date that is no date (it would sort as the newest paper), a paper
 * whose id disagrees with its arXiv id (two keys for one paper), a meta key that no part of the bot uses
 * (`__proto__`, `../../etc`) — is refused with the reason. Ingest produces only records that pass. Pure.
 */
import type { Paper } from '../digest/types.ts';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
// New-style (2501.00001) and old-style (math.AG/0601001) arXiv ids, as digest/identity.ts recognises them.
const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[a-z]{2})?\/\d{7})$/i;
const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * The meta keys the bot writes: `plan:unmatched-papers` (jobs/unmatched.ts), `metadata-progress`
 * (jobs/metadata.ts) and `source:<name>` (sources/state.ts, names as source-spec.ts allows them). A new meta key
 * must be added here, or `cli import` refuses it (tests/unit/import-rules.test.ts writes each through its module).
 */
export const META_KEYS: readonly string[] = ['plan:unmatched-papers', 'metadata-progress'];

/** True for a real calendar date `YYYY-MM-DD` (not `2025-02-30`, not `not-a-date`). */
export function isCalendarDate(text: string): boolean {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** Why a date field is refused, or null (null dates are allowed: a digest may have none). */
export function dateProblem(field: string, value: string | null): string | null {
  if (value === null || isCalendarDate(value)) return null;
  return `${field} ${JSON.stringify(value.slice(0, 40))} is not a date (expected YYYY-MM-DD)`;
}

/** Why an imported paper could not have been written by ingest, or null. */
export function paperProblem(paper: Paper): string | null {
  const { id, arxivId } = paper;
  if (!/^(?:arxiv|doi|url):./.test(id)) return `paper id ${JSON.stringify(id.slice(0, 80))} is not arxiv:…, doi:… or url:…`;
  if (arxivId !== null && !ARXIV_ID.test(arxivId)) return `arxivId ${JSON.stringify(arxivId.slice(0, 80))} is not an arXiv id`;
  if (id.startsWith('arxiv:') ? id !== `arxiv:${arxivId}` : arxivId !== null) {
    return `paper id ${JSON.stringify(id.slice(0, 80))} disagrees with its arxivId ${JSON.stringify(arxivId)} (expected id "arxiv:<arxivId>")`;
  }
  return dateProblem('date', paper.date) ?? dateProblem('published', paper.published);
}

/** Why a meta key is refused, or null when it is one the bot writes ({@link META_KEYS}, `source:<name>`). */
export function metaKeyProblem(key: string): string | null {
  if (META_KEYS.includes(key)) return null;
  if (key.startsWith('source:') && SOURCE_NAME.test(key.slice('source:'.length))) return null;
  return `meta key ${JSON.stringify(key.slice(0, 80))} is not one the bot uses (${[...META_KEYS, 'source:<name>'].join(', ')})`;
}
