/**
 * Person names as researchers write them: `Sergey Levine`, `Levine, S.`, `Zhang Wei` (surname first), `Wei Zhang`,
 * `Zhang, W.`. A query name matches an author when one reading of each puts the same surname first or last and the
 * given names agree — equal, or one is the other's initial — so `Zhang Wei` ↔ `Zhang, W.` and `Wei Zhang`, while
 * `Zhang Wei` does not match `Zhang Li` or `Wenjun Zhang` (no query should match every Zhang). Both sides are word
 * lists as the analyzer produces them (lower-case stems, punctuation gone). Pure and linear in the words.
 */

/** True when two given names agree: equal, or one is a single letter that starts the other. */
function givenAgrees(a: string, b: string): boolean {
  if (a === b) return true;
  if (a.length === 1) return b.startsWith(a);
  if (b.length === 1) return a.startsWith(b);
  return false;
}

/** Given names agree position by position, as far as both go (a missing middle name is no disagreement). */
function givensAgree(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!givenAgrees(a[i]!, b[i]!)) return false;
  return true;
}

/**
 * The (surname, given names) readings of a name: surname last (`Sergey Levine`) or first (`Levine S`, `Zhang Wei`),
 * of one to three words (`Garcia-Pelegrin, E.`, `van der Berg`).
 */
function readings(words: readonly string[]): { surname: string; given: string[] }[] {
  const out: { surname: string; given: string[] }[] = [];
  for (let k = 1; k <= Math.min(3, words.length - 1); k++) {
    out.push({ surname: words.slice(-k).join(' '), given: words.slice(0, -k) });
    out.push({ surname: words.slice(0, k).join(' '), given: words.slice(k) });
  }
  return out;
}

/**
 * True when the query name (`query`, two words or more) names the author (`author`). A one-word query (`Levine`)
 * matches any author with that word; every query word present in the author's name also matches (the rule before
 * name forms, kept so that nothing found before is lost).
 */
export function nameMatches(query: readonly string[], author: readonly string[]): boolean {
  if (query.length === 0) return false;
  const words = new Set(author);
  if (query.every((w) => words.has(w))) return true;
  if (query.length < 2) return false;
  for (const q of readings(query)) {
    for (const a of readings(author)) {
      if (q.surname === a.surname && givensAgree(q.given, a.given)) return true;
    }
  }
  return false;
}

/** The words a matching author must have one of (its possible surnames): index lookups start from these. */
export function surnameCandidates(query: readonly string[]): string[] {
  if (query.length < 2) return [...query];
  return [...new Set([query[0]!, query[query.length - 1]!])];
}
