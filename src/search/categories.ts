/**
 * Categories as a filter (`cat:` in queries and subscriptions, the `categories` option of a digest channel):
 * arXiv's (`cs.CV`, `q-bio.NC`) and bioRxiv/medRxiv's subject names (`animal behavior and cognition`, written with
 * spaces or underscores, any case). `cs.*` — or just `cs` — means every category of the archive `cs`. Pure.
 */

/** The comparable form of a category or pattern: lower case, `_` as space, spaces collapsed. */
export function normalizeCategory(text: string): string {
  return text.toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

/** True when the (normalised) category falls under the (normalised) pattern. */
export function categoryMatches(pattern: string, category: string): boolean {
  if (pattern.endsWith('*')) return category.startsWith(pattern.slice(0, -1));
  return category === pattern || category.startsWith(`${pattern}.`);
}

/** True when any of the paper's categories falls under any pattern. */
export function anyCategoryMatches(patterns: readonly string[], categories: readonly string[]): boolean {
  const cats = categories.map(normalizeCategory);
  return patterns.some((p) => cats.some((c) => categoryMatches(normalizeCategory(p), c)));
}

/**
 * The index term of a category: `:cat:` + its normalised form. The analyzer never makes a term with `:`, and no
 * typed word is a prefix of one starting with `:`, so prefix completion never reaches category terms.
 */
export function categoryTerm(category: string): string {
  return `:cat:${normalizeCategory(category)}`;
}
