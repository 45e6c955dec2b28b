/**
 * arXiv's Atom feed → {@link FetchedMetadata}. Parsed by namespace, not by prefix: the manual's serializer
 * repeats `xmlns` on every element, the 2026 one declares prefixes once on the root (and may choose other
 * prefixes), so element names are resolved to `{namespace}local` against the declarations in scope.
 * Pure; never throws for a malformed feed (it yields no entries and an error).
 */
import { XMLParser } from 'fast-xml-parser';
import { cleanText, type FetchedMetadata } from './types.ts';

const ATOM = 'http://www.w3.org/2005/Atom';
const ARXIV = 'http://arxiv.org/schemas/atom';

interface NsElement {
  ns: string;
  local: string;
  attrs: Record<string, string>;
  text: string;
  children: NsElement[];
}

/** What one feed held. */
export interface ArxivFeed {
  entries: FetchedMetadata[];
  /** `Error` entries' summaries (the API reports a bad request as HTTP 200 with such an entry). */
  errors: string[];
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
});

function resolve(node: Record<string, unknown>, qname: string, scope: Map<string, string>): NsElement {
  const attrs: Record<string, string> = {};
  const inner = new Map(scope);
  for (const [key, value] of Object.entries(node)) {
    if (!key.startsWith('@_')) continue;
    const name = key.slice(2);
    if (name === 'xmlns') inner.set('', String(value));
    else if (name.startsWith('xmlns:')) inner.set(name.slice(6), String(value));
    else attrs[name.includes(':') ? name.slice(name.indexOf(':') + 1) : name] = String(value);
  }
  const colon = qname.indexOf(':');
  const prefix = colon >= 0 ? qname.slice(0, colon) : '';
  const local = colon >= 0 ? qname.slice(colon + 1) : qname;
  const children: NsElement[] = [];
  let text = '';
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('@_')) continue;
    if (key === '#text') {
      text += String(value);
      continue;
    }
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child !== null && typeof child === 'object') children.push(resolve(child as Record<string, unknown>, key, inner));
      else children.push({ ns: nsOf(key, inner), local: localOf(key), attrs: {}, text: String(child ?? ''), children: [] });
    }
  }
  return { ns: inner.get(prefix) ?? '', local, attrs, text, children };
}

const nsOf = (qname: string, scope: Map<string, string>) => scope.get(qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : '') ?? '';
const localOf = (qname: string) => (qname.includes(':') ? qname.slice(qname.indexOf(':') + 1) : qname);

const kids = (el: NsElement, ns: string, local: string) => el.children.filter((c) => c.ns === ns && c.local === local);
const first = (el: NsElement, ns: string, local: string) => kids(el, ns, local)[0];
const textOf = (el: NsElement | undefined) => cleanText(el?.text);

/** `http://arxiv.org/abs/2609.04658v1` → `{ id: '2609.04658', version: 1 }` (old-style ids too). */
export function parseAbsId(url: string): { id: string; version: number | null } | null {
  const m = /\/abs\/(.+?)(?:v(\d+))?$/.exec(url.trim());
  if (!m?.[1]) return null;
  return { id: m[1], version: m[2] ? Number(m[2]) : null };
}

/** Parses one arXiv API response body. */
export function parseArxivFeed(xml: string): ArxivFeed {
  let tree: Record<string, unknown>;
  try {
    tree = parser.parse(xml) as Record<string, unknown>;
  } catch (error) {
    return { entries: [], errors: [`unreadable feed: ${(error as Error).message}`] };
  }
  const feedKey = Object.keys(tree).find((k) => localOf(k) === 'feed');
  const raw = feedKey ? (tree[feedKey] as unknown[] | undefined)?.[0] : undefined;
  if (!feedKey || raw === null || typeof raw !== 'object') return { entries: [], errors: ['not an Atom feed'] };
  const feed = resolve(raw as Record<string, unknown>, feedKey, new Map());
  if (feed.ns !== ATOM) return { entries: [], errors: ['not an Atom feed'] };
  const entries: FetchedMetadata[] = [];
  const errors: string[] = [];
  for (const entry of kids(feed, ATOM, 'entry')) {
    const idUrl = textOf(first(entry, ATOM, 'id')) ?? '';
    const title = textOf(first(entry, ATOM, 'title'));
    if (idUrl.includes('/api/errors') || (title === 'Error' && !idUrl.includes('/abs/'))) {
      errors.push(textOf(first(entry, ATOM, 'summary')) ?? 'error entry');
      continue;
    }
    const parsed = parseAbsId(idUrl);
    if (!parsed) continue;
    const categories = kids(entry, ATOM, 'category')
      .map((c) => c.attrs.term?.trim() ?? '')
      .filter((t) => t !== '');
    const primary = first(entry, ARXIV, 'primary_category')?.attrs.term?.trim() || null;
    const ordered = primary && !categories.includes(primary) ? [primary, ...categories] : categories;
    entries.push({
      source: 'arxiv',
      key: parsed.id,
      title,
      abstract: textOf(first(entry, ATOM, 'summary')),
      authors: kids(entry, ATOM, 'author')
        .map((a) => textOf(first(a, ATOM, 'name')))
        .filter((n): n is string => n !== null),
      categories: ordered,
      primaryCategory: primary ?? ordered[0] ?? null,
      comment: textOf(first(entry, ARXIV, 'comment')),
      journalRef: textOf(first(entry, ARXIV, 'journal_ref')),
      publishedDoi: textOf(first(entry, ARXIV, 'doi'))?.toLowerCase() ?? null,
      firstPublished: dateOf(textOf(first(entry, ATOM, 'published'))),
      updated: dateOf(textOf(first(entry, ATOM, 'updated'))),
      latestVersion: parsed.version,
    });
  }
  return { entries, errors };
}

function dateOf(iso: string | null): string | null {
  const m = iso ? /^\d{4}-\d{2}-\d{2}/.exec(iso) : null;
  return m ? m[0] : null;
}
