/**
 * Paper identifiers written anywhere in a line: arXiv links of every form (abs/pdf/html, alphaxiv, Hugging Face
 * paper pages), bioRxiv/medRxiv and doi.org DOIs, `arXiv:ID` text, `data-arxiv-id` attributes, and — only where
 * the caller asks — bare ids (`2607.05394`) and ids inside per-paper page slugs (`250910769v1-title.html`).
 * Every pattern is a plain scan with no nested or adjacent unbounded quantifiers, so a line costs linear time.
 */
import { paperIdentity, type PaperIdentity } from './identity.ts';

/** How an identifier was written: in a link target, as `arXiv:` text, in an HTML attribute, bare, in a slug. */
export type AnchorKind = 'link' | 'text' | 'attr' | 'bare' | 'slug';

/** One identifier found in a line. */
export interface Anchor {
  kind: AnchorKind;
  identity: PaperIdentity;
  /** Offset in the line. */
  at: number;
  /** The preprint server a bioRxiv/medRxiv link names, else absent. */
  server?: 'biorxiv' | 'medrxiv' | null;
}

const NEW_ID = String.raw`\d{4}\.\d{4,5}`;
const OLD_ID = String.raw`[a-z][a-z-]{1,15}(?:\.[A-Z]{2})?\/\d{7}`;
const URL_ARXIV = new RegExp(String.raw`(?:arxiv\.org\/(?:abs|pdf|html)|alphaxiv\.org\/(?:abs|overview|pdf)|huggingface\.co\/papers)\/(${NEW_ID}|${OLD_ID})(v\d{1,3})?`, 'gi');
const URL_DOI = /(?:doi\.org\/|(?:bio|med)rxiv\.org\/content\/(?:early\/\d{4}\/\d{2}\/\d{2}\/)?)(10\.\d{4,9}\/[^\s?#)\]"'<>|]{1,200})/gi;
const TEXT_ARXIV = new RegExp(String.raw`\barxiv:[ \t]?(${NEW_ID}|${OLD_ID})(v\d{1,3})?\b`, 'gi');
const ATTR_ARXIV = new RegExp(String.raw`data-arxiv-id=["']?(${NEW_ID})(v\d{1,3})?`, 'gi');
const BARE_ID = /(?<![\w./-])(\d{2})(\d{2})\.(\d{4,5})(v\d{1,3})?(?![\w/]|\.\d)/g;
const SLUG_ID = /(?:^|[/"'(])(\d{2})(\d{2})(\d{4,5})(v\d{1,3})?-[a-z0-9]/g;

/** Cheap test: could the line hold an identifier at all? Keeps the regexes off the vast majority of lines. */
export function mayHoldAnchor(line: string): boolean {
  return /arxiv|huggingface|doi|rxiv|\d{4}\.\d{4}/i.test(line);
}

/** True for a plausible new-style id: month 01–12 and year 07 or later (arXiv started these in April 2007). */
function plausible(yy: string, mm: string): boolean {
  const m = Number(mm);
  return m >= 1 && m <= 12 && Number(yy) >= 7;
}

/** Identifiers of paper links, `arXiv:` text and `data-arxiv-id` attributes in `line`, in order. */
export function anchorsIn(line: string, options: { bare?: boolean; slug?: boolean } = {}): Anchor[] {
  const out: Anchor[] = [];
  if (!mayHoldAnchor(line) && !(options.slug && /\d{8}/.test(line))) return out;
  for (const m of line.matchAll(URL_ARXIV)) out.push({ kind: 'link', identity: paperIdentity(`https://arxiv.org/abs/${m[1]}${m[2] ?? ''}`), at: m.index });
  for (const m of line.matchAll(URL_DOI)) {
    const url = m[0].toLowerCase().startsWith('doi.org') ? `https://doi.org/${trimDoi(m[1]!)}` : `https://www.${m[0].slice(0, m[0].length - m[1]!.length)}${trimDoi(m[1]!)}`;
    out.push({ kind: 'link', identity: paperIdentity(url), at: m.index, server: /^medrxiv/i.test(m[0]) ? 'medrxiv' : /^biorxiv/i.test(m[0]) ? 'biorxiv' : null });
  }
  for (const m of line.matchAll(TEXT_ARXIV)) out.push({ kind: 'text', identity: paperIdentity(`https://arxiv.org/abs/${m[1]}${m[2] ?? ''}`), at: m.index });
  for (const m of line.matchAll(ATTR_ARXIV)) out.push({ kind: 'attr', identity: paperIdentity(`https://arxiv.org/abs/${m[1]}${m[2] ?? ''}`), at: m.index });
  if (options.bare) {
    for (const m of line.matchAll(BARE_ID)) {
      if (plausible(m[1]!, m[2]!)) out.push({ kind: 'bare', identity: paperIdentity(`https://arxiv.org/abs/${m[1]}${m[2]}.${m[3]}${m[4] ?? ''}`), at: m.index });
    }
  }
  if (options.slug) {
    for (const m of line.matchAll(SLUG_ID)) {
      if (plausible(m[1]!, m[2]!)) out.push({ kind: 'slug', identity: paperIdentity(`https://arxiv.org/abs/${m[1]}${m[2]}.${m[3]}${m[4] ?? ''}`), at: m.index });
    }
  }
  if (out.length > 1) out.sort((a, b) => a.at - b.at);
  return out;
}

/** A DOI as written in a URL, without trailing punctuation that belongs to the sentence. */
function trimDoi(doi: string): string {
  let end = doi.length;
  while (end > 0 && '.,;:*_'.includes(doi[end - 1]!)) end--;
  return doi.slice(0, end);
}

/** Distinct ids of `anchors`, in first-seen order. */
export function distinctIds(anchors: readonly Anchor[]): string[] {
  return [...new Set(anchors.map((a) => a.identity.id))];
}
