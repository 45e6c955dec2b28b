/** A paper's categories from every place that knows them. Pure. */
import type { Paper } from './types.ts';

/**
 * The categories of a paper: those arXiv / bioRxiv / medRxiv gave (`meta`, the authority) first, then those the
 * digest named (a section's category, a `Category:` field), without repeats (case-insensitive).
 */
export function paperCategories(paper: Pick<Paper, 'categories' | 'meta'>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of [...(paper.meta?.categories ?? []), ...(paper.categories ?? [])]) {
    const key = c.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(c);
    }
  }
  return out;
}
