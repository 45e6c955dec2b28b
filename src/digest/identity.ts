/**
 * Paper identity: the canonical key of a paper from whatever link a digest gives for it.
 * arXiv links of every form map to one id (version kept apart), bioRxiv/medRxiv links to their DOI,
 * anything else to a stable hash of the normalised link, so the same paper dedupes across digests.
 */
import { createHash } from 'node:crypto';

/** What a link says about the paper it points to. */
export interface PaperIdentity {
  /** Canonical key: `arxiv:<id>`, `doi:<doi>` or `url:<hash>`. */
  id: string;
  arxivId: string | null;
  version: number | null;
  doi: string | null;
  /** Landing page: `https://arxiv.org/abs/<id>v<n>`, `https://doi.org/<doi>`, or the link itself. */
  url: string;
  /** PDF link when one can be named: the arXiv PDF, a `.pdf` link, else null. */
  pdfUrl: string | null;
}

// New-style ids (0704.0001 onwards: 4 digits, dot, 4-5 digits) and old-style archive/7-digit ids,
// optionally with a subject class (math.AG/0601001). Anchored on the host so a DOI never matches.
const ARXIV = /arxiv\.org\/(?:abs|pdf|html)\/((?:\d{4}\.\d{4,5})|(?:[a-z][a-z-]*(?:\.[a-z]{2})?\/\d{7}))(?:v(\d+))?/i;
const BARE_ARXIV = /^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v(\d+))?$/i;
// bioRxiv/medRxiv: doi.org/10.xxxx/… or …/content/10.xxxx/…[vN][.full.pdf]; the suffix stops at the
// version/format tail so `…432411v1.full.pdf` and `doi.org/…432411` give the same DOI.
const DOI_ORG = /doi\.org\/(10\.\d{4,9}\/[^\s?#]+)/i;
const CONTENT_DOI = /\/content\/(?:early\/[\d/]+\/)?(10\.\d{4,9}\/[^\s?#]+)/i;
const DOI_TAIL = /(?:v\d+)?(?:\.full(?:\.pdf|\.txt)?|\.abstract|\.article-info|\.supplementary-material)?\/?$/i;

/**
 * The identity of a paper link (or bare arXiv id). Never throws; an empty link gets `url:` of the empty hash.
 * @example paperIdentity('http://arxiv.org/pdf/2511.16674v1') // { id: 'arxiv:2511.16674', version: 1, … }
 */
export function paperIdentity(link: string): PaperIdentity {
  const raw = link.trim();
  const arxiv = ARXIV.exec(raw) ?? BARE_ARXIV.exec(raw);
  if (arxiv?.[1]) {
    // Old-style ids keep their case: the subject class is upper-case (math.AG/0601001).
    const id = arxiv[1];
    const version = arxiv[2] ? Number(arxiv[2]) : null;
    const v = version === null ? '' : `v${version}`;
    return {
      id: `arxiv:${id}`,
      arxivId: id,
      version,
      doi: null,
      url: `https://arxiv.org/abs/${id}${v}`,
      pdfUrl: `https://arxiv.org/pdf/${id}${v}`,
    };
  }
  const doiMatch = DOI_ORG.exec(raw) ?? (/(?:bio|med)rxiv\.org/i.test(raw) ? CONTENT_DOI.exec(raw) : null);
  if (doiMatch?.[1]) {
    const doi = decodeSafely(doiMatch[1]).replace(DOI_TAIL, '').toLowerCase();
    return {
      id: `doi:${doi}`,
      arxivId: null,
      version: null,
      doi,
      url: `https://doi.org/${doi}`,
      pdfUrl: /\.pdf$/i.test(raw) ? raw : null,
    };
  }
  return {
    id: `url:${linkHash(raw)}`,
    arxivId: null,
    version: null,
    doi: null,
    url: raw,
    pdfUrl: /\.pdf$/i.test(raw) ? raw : null,
  };
}

/**
 * Stable 16-hex-digit hash of a link after normalisation (scheme and host lower-cased, `http` = `https`,
 * fragment and trailing slash dropped), so trivially different spellings of one link share a key.
 */
export function linkHash(link: string): string {
  return createHash('sha256').update(normalizeLink(link)).digest('hex').slice(0, 16);
}

/** The normalised form {@link linkHash} hashes. */
export function normalizeLink(link: string): string {
  let s = link.trim();
  const hash = s.indexOf('#');
  if (hash !== -1) s = s.slice(0, hash);
  s = s.replace(/^https?:\/\/([^/?]+)/i, (_m, host: string) => `https://${host.toLowerCase().replace(/^www\./, '')}`);
  let end = s.length;
  while (end > 0 && s[end - 1] === '/') end--;
  return s.slice(0, end);
}

function decodeSafely(s: string): string {
  // Only `%` escapes decode; most DOIs have none, and decodeURIComponent costs far more than this test.
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
