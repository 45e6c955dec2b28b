/** Author cells → arrays of names. */

// "Surname, F." / "Gutierrez del Burgo, F. J." (bioRxiv style): the comma belongs to the name.
const SURNAME_INITIALS = /^[^,;]+,\s*(?:[A-Z][A-Za-z]?\.?[\s-]*)+$/;
const ET_AL = /\s*(?:et\.?\s*al\.?|等人?|等)\s*$/i;
const NONE = /^(?:n\/?a|null|none|-|—)?$/i;

/** Split an author cell: "Name et.al." → ["Name"], "A, B and C" → three names, "Kim, S." → one name. */
export function splitAuthors(text: string): string[] {
  const cell = text.replace(ET_AL, '').trim();
  if (NONE.test(cell)) return [];
  const names: string[] = [];
  for (const group of cell.split(/\s*[;；]\s*/)) {
    if (SURNAME_INITIALS.test(group)) {
      names.push(group.trim());
      continue;
    }
    for (const name of group.split(/\s*[,，、]\s*|\s+and\s+/)) {
      const n = name.replace(ET_AL, '').trim();
      if (n !== '' && !NONE.test(n)) names.push(n);
    }
  }
  return names;
}
