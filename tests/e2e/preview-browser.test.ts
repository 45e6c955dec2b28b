/**
 * The local preview for real (issue 7, "the first five minutes"):
 * - in Debian's headless chromium (driven by playwright-core), the page shows the sample digest's ten papers as
 *   Discord embeds, with no raw markdown visible, and the search box finds a paper; a screenshot goes to
 *   docs/preview.png for the README (with UPDATE_SCREENSHOT=1; a temp file otherwise);
 * - `npm start`'s entry point with no DISCORD_TOKEN prints what to set, serves the preview, and exits on SIGINT.
 *
 * Without chromium the browser test is skipped with a message, except when REQUIRE_SERVERS is set (CI).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, readdirSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { parseDigest } from '../../src/digest/index.ts';
import { packDigestMessages } from '../../src/discord/messages.ts';
import { unescapeMarkdown } from '../../src/discord/markdown.ts';
import { startPreview, type RunningPreview } from '../../src/preview/index.ts';
import { silentLog } from '../helpers/log.ts';

// Debian's chromium; CHROMIUM_PATH points elsewhere (or nowhere, to check the skip).
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SAMPLE = 'samples/2025-11-23-arxiv.md';
// The README's screenshot is refreshed on request (UPDATE_SCREENSHOT=1), so a test run leaves the tree clean.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT ? 'docs/preview.png' : join(tmpdir(), `adb-preview-${process.pid}.png`);
const QUERY = '视频事件预测';
const FOUND = '视频即答案：基于联合GRPO的下一视频事件预测与生成';

/** Titles as Discord shows them: the embed JSON the bot would send, with its markdown escapes resolved. */
function expectedTitles(): string[] {
  const parsed = parseDigest({ text: readFileSync(SAMPLE, 'utf8'), fileName: '2025-11-23-arxiv.md' });
  const messages = packDigestMessages({ source: 'arxiv', date: '2025-11-23', papers: parsed.papers }, 'embeds');
  return messages.flatMap((m) => m.embeds ?? []).map((e) => unescapeMarkdown(e.title ?? ''));
}

describe('preview in a browser', () => {
  const dirs: string[] = [];
  let preview: RunningPreview | undefined;
  let context: BrowserContext | undefined;
  const temp = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `preview-${name}-`));
    dirs.push(dir);
    return dir;
  };

  before(async () => {
    const digestDir = temp('digests');
    copyFileSync(SAMPLE, join(digestDir, '2025-11-23-arxiv.md'));
    const config = loadConfig({ DATA_DIR: temp('data'), DIGEST_DIR: digestDir, PREVIEW_PORT: '0', LOG_LEVEL: 'silent' }, null);
    preview = await startPreview(config, silentLog());
  });
  after(async () => {
    await context?.close();
    await preview?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the digest as Discord embeds, searches, and saves a screenshot', { timeout: 90_000 }, async (t) => {
    if (!existsSync(CHROMIUM)) {
      const message = `chromium is not installed at ${CHROMIUM}: apt-get install -y chromium`;
      if (process.env.REQUIRE_SERVERS) assert.fail(message);
      t.skip(message);
      return;
    }
    assert.ok(preview);
    assert.equal(preview.ingest.added.length, 10, 'the sample digest holds ten papers');
    context = await chromium.launchPersistentContext(temp('chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1180, height: 1500 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    // Nothing outside the preview is fetched (the page is self-contained; links only open on click).
    const foreign: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(preview?.url ?? '')) foreign.push(request.url());
    });

    const response = await page.goto(preview.url);
    assert.equal(response?.status(), 200);
    const titles = await page.locator('.embed .embed-title').allInnerTexts();
    assert.deepEqual(titles, expectedTitles(), 'the ten paper embeds, in digest order, titles as Discord shows them');
    assert.equal(await page.locator('.embed').count(), 10);
    const links = await Promise.all((await page.locator('.embed a.embed-title').all()).map((a) => a.getAttribute('href')));
    assert.ok(links.length === 10 && links.every((href) => href?.startsWith('https://arxiv.org/abs/')), `title links: ${links.join(' ')}`);
    // The embed's colour shows as its left border (arXiv red).
    // (A string: the tests are compiled without the DOM library.)
    const border = await page.evaluate("getComputedStyle(document.querySelector('.embed')).borderLeftColor");
    assert.equal(border, 'rgb(179, 27, 27)');
    const header = await page.locator('.message.first .content').first().innerText();
    assert.equal(header, '📰 arXiv · 2025-11-23 · 10 papers');

    const shown = await page.locator('main').innerText();
    assert.ok(!shown.includes('**'), 'no raw bold markers');
    assert.doesNotMatch(shown, /\\[!-/:-@[-`{-~]/, 'no markdown escapes visible');
    assert.doesNotMatch(shown, /\]\(https?:/, 'no raw masked links');
    assert.ok(shown.includes('arXiv:2511.16674v1'), 'the id line, unescaped');

    mkdirSync('docs', { recursive: true });
    await page.setViewportSize({ width: 1180, height: 900 });
    await page.screenshot({ path: SCREENSHOT });
    assert.ok(statSync(SCREENSHOT).size > 20_000, 'a real screenshot');

    // Compact and thread modes: the same papers, packed differently.
    await page.getByRole('link', { name: 'compact', exact: true }).click();
    await page.waitForURL(/mode=compact/);
    assert.equal(await page.locator('.embed-description li, .embed-description p').count(), 10, 'ten numbered lines');
    await page.getByRole('link', { name: 'thread', exact: true }).click();
    await page.waitForURL(/mode=thread/);
    assert.match(await page.locator('.thread-name').innerText(), /arXiv · 2025-11-23 · 10 papers/);
    assert.equal(await page.locator('.thread .embed').count(), 10);

    await page.getByRole('searchbox', { name: 'Search papers' }).fill(QUERY);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/search\?/);
    const results = await page.locator('.embed').innerText();
    assert.ok(results.includes(FOUND), `the search finds ${FOUND}: ${results}`);
    assert.match(await page.locator('.embed-title').innerText(), new RegExp(QUERY));
    assert.equal(await page.locator('.embed strong', { hasText: QUERY }).count() > 0, true, 'matched words in bold');
    assert.ok(!(await page.locator('main').innerText()).includes('**'));

    // A phone (390 px wide): the search box and its button fit, nothing scrolls sideways (issue 15).
    await page.setViewportSize({ width: 390, height: 844 });
    const box = await page.getByRole('searchbox', { name: 'Search papers' }).boundingBox();
    const button = await page.getByRole('button', { name: 'Search' }).boundingBox();
    assert.ok(box && button, 'the search box and button are shown');
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `search box spans ${Math.round(box.x)}–${Math.round(box.x + box.width)} px`);
    assert.ok(button.x + button.width <= 390, `search button ends at ${Math.round(button.x + button.width)} px`);
    const overflow = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    assert.ok(overflow <= 390, `the page is ${overflow} px wide at a 390 px viewport`);
    assert.deepEqual(foreign, []);
  });
});

describe('npm start without DISCORD_TOKEN', () => {
  it('prints what to set, serves the preview, and exits on SIGINT', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'preview-start-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, DISCORD_TOKEN: '', DATA_DIR: dataDir, DIGEST_DIR: 'digests', PREVIEW_PORT: '0', LOG_LEVEL: 'warn', KEYV_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = once(child, 'exit');
      let stdout = '';
      let stderr = '';
      // Decoded as a stream: a character split across two chunks must not be garbled.
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => (stdout += chunk));
      child.stderr.on('data', (chunk: string) => (stderr += chunk));
      const deadline = Date.now() + 30_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline && child.exitCode === null) {
        url = /Preview: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(url, `the preview URL is printed\nstdout: ${stdout}\nstderr: ${stderr}`);
      assert.match(stderr, /DISCORD_TOKEN is not set/);
      assert.match(stderr, /Set up the Discord application/);
      assert.match(stderr, /\.env\.example/);

      const health = await fetch(`${url}healthz`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok', papers: 10 });
      const home = await (await fetch(url)).text();
      assert.ok(home.includes('10 papers'));

      child.kill('SIGINT');
      const [code] = await exited;
      assert.equal(code, 0, `a clean exit on SIGINT\nstderr: ${stderr}`);
      // The repository's digests/ is empty: the sample is shown from memory and never enters the store.
      assert.match(stderr, /shows the shipped sample/);
      assert.deepEqual(readdirSync(dataDir), [], 'nothing written to DATA_DIR');
      await assert.rejects(fetch(`${url}healthz`), 'the port is closed after exit');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
