/**
 * A paper as a CSL-JSON item: the neutral form every citation format is produced from. Pure.
 *
 * arXiv papers are cited as arXiv preprints (`arXiv:<id> [<primary category>]`, publisher arXiv, the DOI arXiv
 * registers for every paper, `10.48550/arXiv.<id>`); bioRxiv/medRxiv papers as preprints with their DOI; a paper
 * whose published version is known (journal reference or published DOI) as that journal article.
 */
import { parse as parseName } from '@citation-js/name';
import type { CitablePaper, CslItem } from './types.ts';

/** The CSL-JSON item for one paper. */
export function toCsl(paper: CitablePaper): CslItem {
  const meta = paper.meta ?? undefined;
  const date = meta?.firstPublished ?? paper.published ?? paper.date;
  const title = (paper.titleOriginal ?? '').trim() || paper.title.trim() || paper.id;
  const item: CslItem = {
    id: paper.id,
    'citation-key': citationKey(paper, title, date),
    title,
    author: paper.authors.map(cslName).filter((name) => name !== undefined),
    URL: paper.url ?? undefined,
  };
  if (date) item.issued = { 'date-parts': [date.split('-').map(Number)] };
  const server = serverName(paper.source);
  if (meta?.journalRef || meta?.publishedDoi) {
    item.type = 'article-journal';
    if (meta.journalRef) item['container-title'] = meta.journalRef;
    item.DOI = meta.publishedDoi ?? paper.doi ?? undefined;
    if (paper.arxivId) item.note = `arXiv:${paper.arxivId}`;
  } else if (paper.arxivId) {
    item.type = 'document';
    item.publisher = 'arXiv';
    item.number = paper.arxivId;
    item.DOI = `10.48550/arXiv.${paper.arxivId}`;
    item.note = meta?.primaryCategory ? `arXiv:${paper.arxivId} [${meta.primaryCategory}]` : `arXiv:${paper.arxivId}`;
    item.genre = 'Preprint';
  } else {
    item.type = 'document';
    item.publisher = server;
    if (paper.doi) item.DOI = paper.doi;
    item.genre = 'Preprint';
    item.note = `${server} preprint`;
  }
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}

/** `Zhang, W.`, `Sergey Levine`, `van Beethoven, L.` → CSL names; a CJK name stays whole (`literal`). */
function cslName(raw: string): Record<string, string> | undefined {
  const name = raw.trim();
  if (name.length === 0) return undefined;
  // CJK names have no given/family split a parser could know; keep them as written.
  if (/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/.test(name)) return { literal: name };
  const parsed = parseName(name);
  return parsed.family ? parsed : { literal: name };
}

/** A stable, ASCII citation key: first author's family name, year, first title word (else the paper's id). */
function citationKey(paper: CitablePaper, title: string, date: string | null): string {
  const ascii = (text: string): string => text.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '');
  const first = paper.authors[0] ? cslName(paper.authors[0]) : undefined;
  const family = ascii(first?.family ?? '');
  const word = ascii(title.split(/\s+/).find((w) => ascii(w).length > 3) ?? '');
  const year = date?.slice(0, 4) ?? '';
  if (family && word) return `${family}${year}${word}`;
  return ascii(paper.arxivId ? `arXiv${paper.arxivId}` : paper.doi ?? paper.id) || 'paper';
}

function serverName(source: string): string {
  if (source === 'biorxiv') return 'bioRxiv';
  if (source === 'medrxiv') return 'medRxiv';
  if (source === 'arxiv') return 'arXiv';
  return source;
}
