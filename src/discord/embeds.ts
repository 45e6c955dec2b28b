/**
 * Papers to embed JSON: the paper embed, the digest header line, and the small pieces the search page and the
 * subscription posts reuse (source names and colours, author line, paper URL, the id/links line). Pure: no
 * clock, no client objects, only `discord-api-types` JSON.
 */
import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { Paper, Source } from '../digest/types.ts';
import type { Locale } from '../i18n/index.ts';
import { LIMITS, fieldLength } from './limits.ts';
import { escapeMarkdown, maskedLink, oneLineHead, safeUrl, truncate, truncatePlain } from './markdown.ts';

// How much of a digest text is read: several times what any field can show, so that cutting still finds a
// boundary, while megabytes of hostile text cost no more than this.
const READ = 16_384;

/** The few fixed strings of embeds and digest messages, per locale. */
export interface EmbedStrings {
  /** Appended to a shortened author list ("A, B et al."). */
  etAl: string;
  pdf: string;
  code: string;
  /** Field name above the English title. */
  englishTitle: string;
  /** Field name above a subscription's matched keywords. */
  matched: string;
  /** Field names of `/paper show`'s details (looked-up metadata). */
  details: {
    authors: string;
    categories: string;
    comment: string;
    journalRef: string;
    publishedDoi: string;
    dates: string;
    version: string;
    lookedUp: string;
    /** "first {first} · updated {updated}". */
    datesValue(first: string, updated: string): string;
    /** "{source}, {date}". */
    lookedUpValue(source: string, date: string): string;
    notFound: string;
  };
  /** "N papers", pluralised. */
  papers(count: number): string;
  /** First line of a subscription post. */
  subscriptionHeader(count: number): string;
}

/** The embed strings in both languages the bot speaks. */
export const EMBED_STRINGS: Record<Locale, EmbedStrings> = {
  'en-US': {
    etAl: 'et al.',
    pdf: 'PDF',
    code: 'Code',
    englishTitle: 'English title',
    matched: 'Matched',
    details: {
      authors: 'Authors',
      categories: 'Categories',
      comment: 'Comment',
      journalRef: 'Journal reference',
      publishedDoi: 'Published version',
      dates: 'Dates',
      version: 'Latest version',
      lookedUp: 'Metadata',
      datesValue: (first, updated) => `first ${first} · updated ${updated}`,
      lookedUpValue: (source, date) => `from ${source}, ${date}`,
      notFound: 'not found',
    },
    papers: (n) => `${n} ${n === 1 ? 'paper' : 'papers'}`,
    subscriptionHeader: (n) => `🔔 ${n} new ${n === 1 ? 'paper matches' : 'papers match'} your subscription`,
  },
  'zh-CN': {
    etAl: '等',
    pdf: 'PDF',
    code: '代码',
    englishTitle: '英文标题',
    matched: '匹配',
    details: {
      authors: '作者',
      categories: '分类',
      comment: '备注',
      journalRef: '期刊引用',
      publishedDoi: '正式发表版本',
      dates: '日期',
      version: '最新版本',
      lookedUp: '元数据',
      datesValue: (first, updated) => `首发 ${first} · 更新 ${updated}`,
      lookedUpValue: (source, date) => `来自 ${source}，${date}`,
      notFound: '未找到',
    },
    papers: (n) => `${n} 篇论文`,
    subscriptionHeader: (n) => `🔔 有 ${n} 篇新论文符合你的订阅`,
  },
};

/** Options shared by the embed builders: the language (default en-US) or explicit strings. */
export interface LocaleOptions {
  locale?: Locale;
  /** Overrides `locale`'s strings (e.g. for a third language). */
  strings?: EmbedStrings;
}

function stringsOf(opts: LocaleOptions): EmbedStrings {
  return opts.strings ?? EMBED_STRINGS[opts.locale ?? 'en-US'];
}

const SOURCE_NAMES: Record<string, string> = { arxiv: 'arXiv', biorxiv: 'bioRxiv', medrxiv: 'medRxiv', chemrxiv: 'ChemRxiv' };

/** Colours per source: arXiv's red, bioRxiv orange, medRxiv blue, anything else Discord blurple. */
export const SOURCE_COLORS: Readonly<Record<string, number>> = { arxiv: 0xb31b1b, biorxiv: 0xe87722, medrxiv: 0x1b66a6 };
/** The colour of sources without their own. */
export const OTHER_SOURCE_COLOR = 0x5865f2;

/** A source's display name (`arxiv` → `arXiv`); unknown sources are shown as given, cleaned and shortened. */
export function sourceName(source: Source): string {
  const key = source.toLowerCase();
  return SOURCE_NAMES[key] ?? (truncatePlain(oneLineHead(source, 256), 32) || '?');
}

/** The embed colour of a source. */
export function sourceColor(source: Source): number {
  return SOURCE_COLORS[source.toLowerCase()] ?? OTHER_SOURCE_COLOR;
}

/**
 * The author line, plain text (embed author names show no markdown): all authors when there are at most
 * three, else the first two and "et al." ("A, B et al." / "A, B 等"); cut to `limit` with an ellipsis.
 */
export function authorLine(authors: readonly string[], opts: LocaleOptions & { limit?: number } = {}): string {
  // Only the first four names can show; stop reading there, however long the list.
  const names: string[] = [];
  for (const author of authors) {
    const name = oneLineHead(author, 1024);
    if (name !== '') names.push(name);
    if (names.length > 3) break;
  }
  if (names.length === 0) return '';
  const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 2).join(', ')} ${stringsOf(opts).etAl}`;
  return truncatePlain(shown, opts.limit ?? LIMITS.authorName);
}

/** The arXiv abstract page of an id (`2511.16674`, `hep-th/9901001`). */
export function arxivAbsUrl(arxivId: string): string | null {
  return safeUrl(`https://arxiv.org/abs/${arxivId}`);
}

/** The resolver URL of a DOI. */
export function doiUrl(doi: string): string | null {
  return safeUrl(`https://doi.org/${doi}`);
}

/** The page a paper's title links to: its abstract page, else one derived from its arXiv id or DOI, else its PDF. */
export function paperUrl(paper: Paper): string | null {
  return (
    safeUrl(paper.url) ??
    (paper.arxivId ? arxivAbsUrl(paper.arxivId) : null) ??
    (paper.doi ? doiUrl(paper.doi) : null) ??
    safeUrl(paper.pdfUrl)
  );
}

// Masked links count in the description; longer URLs (never seen in real digests) are left out of the text
// rather than eating the abstract's room.
const MAX_LINK_URL = 200;

function link(label: string, url: string | null): string {
  return url && url.length <= MAX_LINK_URL ? maskedLink(label, url) : label;
}

/**
 * The id and links line, as markdown: `arXiv:2511.16674v1 · DOI:10.1101/… · PDF · Code`, each linked when
 * the digest gives a usable URL. Empty when the paper has none of them.
 */
export function paperLinksLine(paper: Paper, opts: LocaleOptions = {}): string {
  const s = stringsOf(opts);
  const parts: string[] = [];
  if (paper.arxivId) {
    // Escaped with its prefix: an id alone would start with digits and a dot, which reads as a list marker.
    const label = escapeMarkdown(`arXiv:${truncatePlain(oneLineHead(paper.arxivId, 256), 64)}${paper.version ? `v${paper.version}` : ''}`);
    parts.push(link(label, arxivAbsUrl(paper.arxivId)));
  }
  if (paper.doi) parts.push(link(escapeMarkdown(`DOI:${truncatePlain(oneLineHead(paper.doi, 256), 96)}`), doiUrl(paper.doi)));
  const pdf = safeUrl(paper.pdfUrl);
  if (pdf && pdf.length <= MAX_LINK_URL) parts.push(maskedLink(s.pdf, pdf));
  const code = safeUrl(paper.codeUrl);
  if (code && code.length <= MAX_LINK_URL) parts.push(maskedLink(s.code, code));
  return parts.join(' · ');
}

/** The footer text of a paper: source, primary category when looked up, and digest date ("arXiv · cs.CV · 2025-11-23"). */
export function paperFooter(paper: Pick<Paper, 'source' | 'date' | 'meta'>): string {
  const category = paper.meta?.primaryCategory ? truncatePlain(oneLineHead(paper.meta.primaryCategory, 256), 40) : null;
  return truncatePlain([sourceName(paper.source), category, paper.date ? oneLineHead(paper.date, 256) : null].filter(Boolean).join(' · '), 96);
}

/** The header line of a digest post: "📰 arXiv · 2025-11-23 · 10 papers" (markdown-safe). */
export function digestHeader(digest: { source: Source; date: string | null; count: number }, opts: LocaleOptions = {}): string {
  const s = stringsOf(opts);
  const parts = [escapeMarkdown(sourceName(digest.source)), digest.date ? escapeMarkdown(truncatePlain(oneLineHead(digest.date, 256), 32)) : null, s.papers(digest.count)];
  return `📰 ${parts.filter(Boolean).join(' · ')}`;
}

/** Options for {@link paperEmbed}. */
export interface PaperEmbedOptions extends LocaleOptions {
  /**
   * Target for the embed's counted characters (default 600 = 6000 / 10, so that any ten papers fit one
   * message). The abstract, then the English title, shrink to meet it; it can be exceeded only when the
   * title, authors, footer and links alone are longer. Use 6000 for a paper shown on its own.
   */
  budget?: number;
  /** Keywords a subscription matched, shown in their own field. */
  matched?: readonly string[];
}

/** The default per-embed budget: ten embeds per message, the message limit split evenly. */
export const DEFAULT_EMBED_BUDGET = LIMITS.embedTotal / LIMITS.embeds;

/**
 * One paper as an embed: linked title, authors, abstract cut at a sentence boundary, id/DOI with PDF and code
 * links, English title, digest date and source in the footer, the source's colour. All digest text is
 * escaped; every field stays within Discord's limits whatever the input.
 */
export function paperEmbed(paper: Paper, opts: PaperEmbedOptions = {}): APIEmbed {
  const s = stringsOf(opts);
  const budget = Math.max(0, opts.budget ?? DEFAULT_EMBED_BUDGET);
  const embed: APIEmbed = { color: sourceColor(paper.source) };
  let used = 0;

  const rawTitle = oneLineHead(paper.title, READ) || oneLineHead(paper.titleOriginal ?? '', READ) || oneLineHead(paper.id, 256);
  embed.title = truncate(rawTitle, Math.min(LIMITS.title, Math.max(32, Math.floor(budget * 0.43))));
  used += fieldLength(embed.title);
  const url = paperUrl(paper);
  if (url) embed.url = url;

  const authors = authorLine(paper.authors, { ...opts, limit: Math.min(LIMITS.authorName, 96) });
  if (authors) {
    embed.author = { name: authors };
    used += fieldLength(authors);
  }
  const footer = paperFooter(paper);
  embed.footer = { text: footer };
  used += fieldLength(footer);

  const links = paperLinksLine(paper, opts);
  used += fieldLength(links);

  const fields: APIEmbedField[] = [];
  const matched = (opts.matched ?? []).slice(0, 64).map((k) => oneLineHead(k, 1024)).filter((k) => k !== '');
  if (matched.length > 0) {
    const value = truncate(matched.join(', '), Math.min(LIMITS.fieldValue, 200));
    fields.push({ name: s.matched, value });
    used += fieldLength(s.matched) + fieldLength(value);
  }

  // The English title is worth more than the last lines of the abstract, but not all of the room.
  const english = oneLineHead(paper.titleOriginal ?? '', READ);
  if (english && english !== rawTitle) {
    const room = Math.min(LIMITS.fieldValue, LIMITS.title, budget - used - fieldLength(s.englishTitle) - 80);
    if (room >= 24) {
      const value = truncate(english, room);
      fields.push({ name: s.englishTitle, value });
      used += fieldLength(s.englishTitle) + fieldLength(value);
    }
  }
  if (fields.length > 0) embed.fields = fields;

  const abstract = oneLineHead(paper.abstract ?? '', 4 * READ) || oneLineHead(paper.abstractOriginal ?? '', 4 * READ);
  const separator = links ? 2 : 0;
  const room = Math.min(LIMITS.description - fieldLength(links) - separator, budget - used - separator);
  const parts: string[] = [];
  // Below a few dozen characters an abstract says nothing; leave it out rather than show a stub.
  if (abstract && room >= 40) parts.push(truncate(abstract, room, { cutAt: 'sentence' }));
  if (links) parts.push(links);
  if (parts.length > 0) embed.description = parts.join('\n\n');
  return embed;
}

/**
 * `/paper show`: the paper embed with everything looked up about it — every author, categories (primary first),
 * comment, journal reference, the published version's DOI (linked), dates, latest version (linked), and where and
 * when it was looked up. Within Discord's limits whatever the input.
 */
export function paperDetailsEmbed(paper: Paper, opts: LocaleOptions = {}): APIEmbed {
  const s = stringsOf(opts).details;
  // The details take some of the 6000 characters; the abstract shrinks to leave them room.
  // Budget: 3600 for the paper embed, at most ~2,200 for the details (caps below), under the 6,000 of a message.
  const embed = paperEmbed(paper, { ...opts, budget: 3600 });
  const fields: APIEmbedField[] = [...(embed.fields ?? [])];
  const add = (name: string, value: string | null, cap = 200) => {
    const v = value ? truncate(value, Math.min(cap, LIMITS.fieldValue)) : '';
    if (v && fields.length < LIMITS.fields) fields.push({ name, value: v });
  };
  if (paper.authors.length > 3) {
    const names = paper.authors.slice(0, 200).map((a) => escapeMarkdown(oneLineHead(a, 256))).filter(Boolean);
    add(s.authors, names.join(', '), 1000);
  }
  const m = paper.meta;
  if (m?.status === 'found') {
    const cats = m.primaryCategory ? [m.primaryCategory, ...m.categories.filter((c) => c !== m.primaryCategory)] : m.categories;
    add(s.categories, cats.slice(0, 40).map((c) => escapeMarkdown(oneLineHead(c, 100))).join(', '), 300);
    add(s.comment, m.comment ? escapeMarkdown(oneLineHead(m.comment, READ)) : null, 300);
    add(s.journalRef, m.journalRef ? escapeMarkdown(oneLineHead(m.journalRef, READ)) : null);
    if (m.publishedDoi) add(s.publishedDoi, link(escapeMarkdown(truncatePlain(oneLineHead(m.publishedDoi, 256), 96)), doiUrl(m.publishedDoi)));
    if (m.firstPublished || m.updated) add(s.dates, s.datesValue(m.firstPublished ?? '—', m.updated ?? '—'));
    if (m.latestVersion) {
      const label = paper.arxivId ? `v${m.latestVersion}` : String(m.latestVersion);
      add(s.version, paper.arxivId ? link(label, arxivAbsUrl(`${paper.arxivId}v${m.latestVersion}`)) : label);
    }
  }
  if (m) add(s.lookedUp, m.status === 'found' ? s.lookedUpValue(sourceName(m.source), m.lookedUpAt.slice(0, 10)) : `${sourceName(m.source)}: ${s.notFound}`);
  if (fields.length > 0) embed.fields = fields;
  return embed;
}
