/**
 * `DIGEST_SOURCES`: where digests are fetched from. Each entry (comma- or newline-separated) is either a URL
 * template with `{date}` (or `{yyyy}`, `{mm}`, `{dd}`) or a GitHub folder `github:OWNER/REPO[@REF]/PATH`, optionally
 * named `name=…` (the name is the sub-folder of `DIGEST_DIR` its files are written to). Pure: no I/O.
 */

/** A file per date at a templated URL. */
export interface TemplateSource {
  kind: 'template';
  /** Folder name under DIGEST_DIR and the name shown in `/digest status`. */
  name: string;
  template: string;
}

/** Every dated `*.md` file under a folder of a GitHub repository (listed with the git-trees API). */
export interface GitHubSource {
  kind: 'github';
  name: string;
  owner: string;
  repo: string;
  /** Branch, tag or commit; undefined means the repository's default branch (`HEAD`). */
  ref: string | undefined;
  /** Folder inside the repository, no leading or trailing slash ('' for the root). */
  path: string;
}

/** One configured source. */
export type SourceSpec = TemplateSource | GitHubSource;

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const GITHUB_PART = /^[A-Za-z0-9_.-]{1,100}$/;
const PLACEHOLDER = /\{(date|yyyy|mm|dd)\}/;

/** Thrown for an entry that is not a source; the message says what a valid one looks like. */
export class SourceSpecError extends Error {
  override name = 'SourceSpecError';
}

/**
 * Parses the whole `DIGEST_SOURCES` value. Throws {@link SourceSpecError} naming the entry (1-based) on the first
 * problem, and for two sources with the same name (their files would mix in one folder).
 */
export function parseSources(raw: string): SourceSpec[] {
  const entries = raw
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
  const out: SourceSpec[] = [];
  entries.forEach((entry, i) => {
    let spec: SourceSpec;
    try {
      spec = parseSource(entry);
    } catch (error) {
      throw new SourceSpecError(`item ${i + 1}: ${(error as Error).message}`);
    }
    if (out.some((s) => s.name === spec.name)) {
      throw new SourceSpecError(`item ${i + 1}: a second source named "${spec.name}"; give one a name with name=…`);
    }
    out.push(spec);
  });
  return out;
}

/** Parses one entry: `[name=]https://…{date}…` or `[name=]github:OWNER/REPO[@REF]/PATH`. */
export function parseSource(entry: string): SourceSpec {
  let name: string | undefined;
  let body = entry.trim();
  const named = /^([^=:/]+)=(.+)$/.exec(body);
  if (named) {
    name = named[1]!.trim().toLowerCase();
    body = named[2]!.trim();
    if (!NAME.test(name)) throw new SourceSpecError(`source name "${name}" must be 1-64 lower-case letters, digits, . _ or -`);
  }
  if (body.startsWith('github:')) return parseGitHub(body, name);
  let url: URL;
  try {
    url = new URL(body.replace(/\{(date|yyyy|mm|dd)\}/g, '0'));
  } catch {
    throw new SourceSpecError(`"${shorten(body)}" is neither a URL template (https://…/{date}.md) nor github:OWNER/REPO/PATH`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SourceSpecError(`"${shorten(body)}": only http(s) URLs can be fetched`);
  if (url.username || url.password) throw new SourceSpecError('a source URL must not contain a user name or password (use GITHUB_TOKEN)');
  if (!PLACEHOLDER.test(body)) throw new SourceSpecError(`"${shorten(body)}" has no {date} (or {yyyy}, {mm}, {dd}): it would fetch the same file every day`);
  const unknown = /\{(?!(?:date|yyyy|mm|dd)\})[^}]*\}/.exec(body);
  if (unknown) throw new SourceSpecError(`"${unknown[0]}" is not a placeholder; use {date}, {yyyy}, {mm} or {dd}`);
  return { kind: 'template', name: name ?? templateName(url), template: body };
}

function parseGitHub(body: string, name: string | undefined): GitHubSource {
  const rest = body.slice('github:'.length).replace(/^\/+|\/+$/g, '');
  const [owner = '', repoRef = '', ...path] = rest.split('/');
  const at = repoRef.indexOf('@');
  const repo = at === -1 ? repoRef : repoRef.slice(0, at);
  const ref = at === -1 ? undefined : repoRef.slice(at + 1);
  if (!GITHUB_PART.test(owner) || !GITHUB_PART.test(repo)) {
    throw new SourceSpecError(`"${shorten(body)}" must look like github:OWNER/REPO[@REF]/PATH, e.g. github:Lcollection/Arxiv_Daily/docs/daily-papers`);
  }
  if (ref !== undefined && !/^[\w.\-/]{1,200}$/.test(ref)) throw new SourceSpecError(`"${ref}" is not a branch, tag or commit`);
  if (path.some((p) => p === '..' || p === '.')) throw new SourceSpecError(`"${shorten(body)}": the path must not contain . or ..`);
  return {
    kind: 'github',
    name: name ?? safeName(`${owner}-${repo}`),
    owner,
    repo,
    ref,
    path: path.filter(Boolean).join('/'),
  };
}

/** A template's default name: `owner-repo` for raw.githubusercontent.com, else the host name. */
function templateName(url: URL): string {
  const parts = url.pathname.split('/').filter(Boolean);
  if (url.hostname === 'raw.githubusercontent.com' && parts.length >= 2) return safeName(`${parts[0]}-${parts[1]}`);
  return safeName(url.hostname);
}

function safeName(raw: string): string {
  const name = raw.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return name || 'source';
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** The URL of a template for one date (`YYYY-MM-DD`). */
export function expandTemplate(template: string, date: string): string {
  const [yyyy = '', mm = '', dd = ''] = date.split('-');
  const values: Record<string, string> = { date, yyyy, mm, dd };
  return template.replace(/\{(date|yyyy|mm|dd)\}/g, (_, key: string) => values[key] ?? '');
}

/** A one-line description of a source for status and logs (never a token). */
export function describeSource(spec: SourceSpec): string {
  if (spec.kind === 'template') return spec.template;
  return `github:${spec.owner}/${spec.repo}${spec.ref ? `@${spec.ref}` : ''}/${spec.path}`;
}
