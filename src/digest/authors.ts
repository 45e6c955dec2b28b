/** Author cells → arrays of names. */
import { collapse } from './text.ts';

// Checked on trimmed text and anchored on its first letter, so no leading `\s*` scans back over a run of spaces.
const ET_AL = /(?:et\.?[ \t]{0,3}al\.?|等人?|等)$/i;
const NONE = /^(?:n\/?a|null|none|-|—)?$/i;
/** Lower-case name particles that may stand between initials (`Fernandes, G. d. R.`, `Souza, F. H. A. d.`). */
const PARTICLES = new Set(['d', 'da', 'de', 'del', 'della', 'der', 'di', 'do', 'dos', 'du', 'la', 'le', 'van', 'von', 'y']);

/**
 * True for one bioRxiv-style name, "Surname, I." — `Kim, S.`, `yang, z.`, `Gutierrez del Burgo, F. J.`,
 * `Fernandes, G. d. R.`: one comma, and after it only initials (one or two letters, with or without a dot,
 * hyphenated like `J.-P.`) and particles. Checked token by token, without a regex over the whole group, so the
 * cost is linear in the group whatever it holds (the old single regex backtracked exponentially on `Smith, AAAA…A1`).
 */
function isSurnameInitials(group: string): boolean {
  const comma = group.indexOf(',');
  if (comma <= 0 || group.indexOf(',', comma + 1) !== -1 || group.slice(0, comma).trim() === '') return false;
  const tokens = group
    .slice(comma + 1)
    .split(/[\s.-]+/)
    .filter((t) => t !== '');
  if (tokens.length === 0) return false;
  let initials = 0;
  for (const token of tokens) {
    if (PARTICLES.has(token)) continue;
    if (token.length > 2 || !/^[A-Za-z]+$/.test(token)) return false;
    // `Kim, Sa` could be a given name; two letters count as initials only when upper case (`Kim, SH`).
    if (token.length === 2 && token !== token.toUpperCase()) return false;
    initials++;
  }
  return initials > 0;
}

/**
 * Split an author cell: "Name et.al." → ["Name"], "A, B and C" → three names, "Kim, S." → one name,
 * "yang, z.; Souza, F. H. A. d." → two names. Empty names (a trailing comma) are dropped.
 */
export function splitAuthors(text: string): string[] {
  const cell = collapse(text).replace(ET_AL, '').trim();
  // `collapse` leaves single spaces only, so the separators below need no `\s*` around them.
  if (NONE.test(cell)) return [];
  const names: string[] = [];
  for (const group of cell.split(/[;；]/)) {
    const trimmed = group.trim().replace(/,$/, '').trim();
    if (isSurnameInitials(trimmed)) {
      names.push(trimmed);
      continue;
    }
    for (const name of group.split(/[,，、]| and /)) {
      const n = name.trim().replace(ET_AL, '').trim();
      if (n !== '' && !NONE.test(n)) names.push(n);
    }
  }
  return names;
}
