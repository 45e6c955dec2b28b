/** DIGEST_SOURCES parsing, date ranges in a time zone, local file names and paths (pure parts of src/sources). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, redactConfig } from '../../src/config.ts';
import { addDays, dateIn, dateInName, datesBetween, isIsoDate, lookbackRange } from '../../src/sources/dates.ts';
import { gitBlobSha, templateFileName } from '../../src/sources/fetch.ts';
import { githubHeaders, rawFileUrl, treeUrl } from '../../src/sources/github.ts';
import { parseRetryAfter } from '../../src/sources/http.ts';
import { expandTemplate, parseSource, parseSources, SourceSpecError } from '../../src/source-spec.ts';
import { assertSafePath } from '../../src/sources/writer.ts';

const LCOLLECTION = 'https://raw.githubusercontent.com/Lcollection/Arxiv_Daily/main/docs/daily-papers/{date}-arxiv.md';

describe('DIGEST_SOURCES', () => {
  it('parses URL templates and GitHub folders, comma- or newline-separated, with default names', () => {
    const sources = parseSources(`${LCOLLECTION},\n github:Other/Repo@gh-pages/docs/daily-papers/ \n# a comment\n`);
    assert.deepEqual(sources, [
      { kind: 'template', name: 'lcollection-arxiv_daily', template: LCOLLECTION },
      { kind: 'github', name: 'other-repo', owner: 'Other', repo: 'Repo', ref: 'gh-pages', path: 'docs/daily-papers' },
    ]);
  });

  it('refuses two sources with one name, and accepts explicit names', () => {
    assert.throws(() => parseSources(`${LCOLLECTION}\ngithub:Lcollection/Arxiv_Daily/docs/daily-papers`), /second source named "lcollection-arxiv_daily"/);
    const [a, b] = parseSources(`daily=${LCOLLECTION}\ngithub:Lcollection/Arxiv_Daily/docs/daily-papers`);
    assert.equal(a?.name, 'daily');
    assert.deepEqual(b, { kind: 'github', name: 'lcollection-arxiv_daily', owner: 'Lcollection', repo: 'Arxiv_Daily', ref: undefined, path: 'docs/daily-papers' });
  });

  it('reads @REF and a root folder', () => {
    assert.deepEqual(parseSource('github:o/r@v1.2'), { kind: 'github', name: 'o-r', owner: 'o', repo: 'r', ref: 'v1.2', path: '' });
    assert.equal(parseSource('https://example.org/d/{yyyy}/{mm}/{dd}.md').name, 'example.org');
  });

  it('explains what is wrong with a bad entry', () => {
    const bad: [string, RegExp][] = [
      ['https://example.org/today.md', /no \{date\}/],
      ['ftp://example.org/{date}.md', /only http\(s\)/],
      ['https://user:pw@example.org/{date}.md', /user name or password/],
      ['https://example.org/{day}-{date}.md', /"\{day\}" is not a placeholder/],
      ['github:just-an-owner', /github:OWNER\/REPO/],
      ['github:o/r/../secret', /must not contain/],
      ['Bad Name=https://example.org/{date}.md', /source name/],
      ['not a url', /neither a URL template/],
    ];
    for (const [entry, message] of bad) assert.throws(() => parseSource(entry), (e: unknown) => e instanceof SourceSpecError && message.test(e.message), entry);
  });

  it('is validated with the rest of the configuration, one line per problem', () => {
    assert.throws(
      () => loadConfig({ DIGEST_SOURCES: 'https://example.org/x.md', GITHUB_API_URL: 'nope' }, null),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 2 && /DIGEST_SOURCES: item 1/.test(e.problems.join('\n')),
    );
    const config = loadConfig({ DIGEST_SOURCES: LCOLLECTION, GITHUB_TOKEN: 'ghp_secret123456', GITHUB_API_URL: 'http://127.0.0.1:9/' }, null);
    assert.equal(config.digestSources.length, 1);
    assert.equal(config.digestLookbackDays, 3);
    assert.equal(config.githubApiUrl, 'http://127.0.0.1:9');
    assert.equal(config.githubRawUrl, 'https://raw.githubusercontent.com');
    assert.ok(!JSON.stringify(redactConfig(config)).includes('ghp_secret123456'), 'the GitHub token never reaches a log');
    assert.deepEqual(loadConfig({}, null).digestSources, []);
  });
});

describe('dates', () => {
  it('expands every placeholder', () => {
    assert.equal(expandTemplate('https://x/{yyyy}/{mm}/{dd}/{date}.md', '2025-01-09'), 'https://x/2025/01/09/2025-01-09.md');
  });

  it('takes today in the configured time zone', () => {
    const now = new Date('2025-11-23T18:30:00Z');
    assert.equal(dateIn(now, 'UTC'), '2025-11-23');
    assert.equal(dateIn(now, 'Asia/Shanghai'), '2025-11-24', 'already tomorrow in Beijing');
    assert.equal(dateIn(now, 'America/Los_Angeles'), '2025-11-23');
    assert.deepEqual(lookbackRange(now, 'Asia/Shanghai', 3), { since: '2025-11-21', until: '2025-11-24' });
    assert.deepEqual(lookbackRange(now, 'UTC', 0), { since: '2025-11-23', until: '2025-11-23' });
  });

  it('walks ranges across month, year and leap-day boundaries, newest first', () => {
    assert.deepEqual(datesBetween('2024-02-27', '2024-03-01'), ['2024-03-01', '2024-02-29', '2024-02-28', '2024-02-27']);
    assert.deepEqual(datesBetween('2025-12-31', '2026-01-01'), ['2026-01-01', '2025-12-31']);
    assert.deepEqual(datesBetween('2025-01-02', '2025-01-01'), []);
    assert.equal(datesBetween('2025-01-01', '2025-12-31').length, 365);
    assert.equal(addDays('2025-03-30', 1), '2025-03-31', 'no DST drift');
  });

  it('knows a real date from a look-alike', () => {
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(isIsoDate('2025-02-29'), false);
    assert.equal(isIsoDate('2025-13-01'), false);
    assert.equal(isIsoDate('20250101'), false);
    assert.equal(dateInName('2025-11-23-arxiv.md'), '2025-11-23');
    assert.equal(dateInName('arxiv_20251123.md'), '2025-11-23');
    assert.equal(dateInName('README.md'), null);
    assert.equal(dateInName('v12345678901.md'), null);
  });
});

describe('local names and URLs', () => {
  it('keeps the file name, adding the date when the name lacks it', () => {
    assert.equal(templateFileName(expandTemplate(LCOLLECTION, '2025-11-23'), '2025-11-23'), '2025-11-23-arxiv.md');
    assert.equal(templateFileName('https://x/2025-11-23/digest.md', '2025-11-23'), '2025-11-23-digest.md');
    assert.equal(templateFileName('https://x/daily?d=2025-11-23', '2025-11-23'), '2025-11-23-daily.md');
    assert.equal(templateFileName('https://x/..%2F..%2Fetc%2Fpasswd-2025-11-23.md', '2025-11-23'), 'etc-passwd-2025-11-23.md');
    assert.equal(templateFileName('https://x/%E6%97%A5%E6%8A%A5-2025-11-23.md', '2025-11-23'), '日报-2025-11-23.md');
  });

  it('refuses unsafe paths', () => {
    for (const bad of ['../x.md', 'a/../../x.md', '/etc/x.md', '.hidden.md', 'a/.git/x.md', 'x.sh', 'a\\b.md', 'a//b.md', 'c:x.md', 'a\u0000.md', 'a/b/c/d/e/f/g.md']) {
      assert.throws(() => assertSafePath(bad), /unsafe path/, bad);
    }
    assert.doesNotThrow(() => assertSafePath('src/2025/11/2025-11-23-arxiv.md'));
  });

  it('builds trees-API and raw URLs', () => {
    const endpoints = { apiUrl: 'https://api.github.com', rawUrl: 'https://raw.githubusercontent.com', token: undefined };
    const source = parseSource('github:Lcollection/Arxiv_Daily/docs/daily-papers');
    assert.ok(source.kind === 'github');
    assert.equal(treeUrl(endpoints, source), 'https://api.github.com/repos/Lcollection/Arxiv_Daily/git/trees/HEAD:docs/daily-papers?recursive=1');
    assert.equal(rawFileUrl(endpoints, source, '2025-11-23-arxiv.md'), 'https://raw.githubusercontent.com/Lcollection/Arxiv_Daily/HEAD/docs/daily-papers/2025-11-23-arxiv.md');
  });

  it('sends GITHUB_TOKEN only to the configured GitHub hosts', () => {
    const endpoints = { apiUrl: 'https://api.github.com', rawUrl: 'https://raw.githubusercontent.com', token: 'ghp_x' };
    assert.equal(githubHeaders(endpoints, 'api', 'https://api.github.com/repos/o/r/git/trees/HEAD').authorization, 'Bearer ghp_x');
    assert.equal(githubHeaders(endpoints, 'raw', 'https://raw.githubusercontent.com/o/r/HEAD/a.md').authorization, 'Bearer ghp_x');
    assert.equal(githubHeaders(endpoints, 'raw', 'https://raw.githubusercontent.com.evil.example/o/r/a.md').authorization, undefined);
    assert.equal(githubHeaders(endpoints, 'raw', 'https://example.org/2025-11-23.md').authorization, undefined);
    assert.equal(githubHeaders({ ...endpoints, token: undefined }, 'api', 'https://api.github.com/x').authorization, undefined);
  });

  it('computes git blob ids like git does', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    assert.equal(gitBlobSha(new TextEncoder().encode('hello\n')), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2025-11-23T00:00:00Z');
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter('Sun, 23 Nov 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Sat, 22 Nov 2025 00:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
});
