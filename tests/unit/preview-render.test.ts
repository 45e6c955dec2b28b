/**
 * The preview's rendering: Discord markdown → HTML as Discord shows it, and message JSON → embeds. The central
 * property: text escaped by the bot's builders renders as exactly that text, with no markup of its own, so
 * hostile digest text can neither format the page nor inject HTML or script.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Paper } from '../../src/digest/types.ts';
import { encodeCustomId } from '../../src/discord/custom-id.ts';
import { paperEmbed } from '../../src/discord/embeds.ts';
import { escapeMarkdown, truncate } from '../../src/discord/markdown.ts';
import { packDigestMessages } from '../../src/discord/messages.ts';
import { escapeHtml, markdownToHtml, inlineMarkdown } from '../../src/preview/markdown-html.ts';
import { cssColor, renderBody, renderComponents, renderEmbed, renderPage, renderPost } from '../../src/preview/render.ts';

const ALLOWED_TAGS = new Set(['p', 'strong', 'em', 'u', 's', 'code', 'a', 'span', 'br', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'small']);

/** The text a browser shows for an HTML fragment (tags dropped, entities decoded). */
function textOf(html: string): string {
  return html
    .replace(/<br>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#\d+|lt|gt|quot|amp);/g, (_m, entity: string) =>
      entity.startsWith('#') ? String.fromCharCode(Number(entity.slice(1))) : ({ lt: '<', gt: '>', quot: '"', amp: '&' } as Record<string, string>)[entity] ?? '',
    );
}

/** Every tag is one the renderer means to emit, and every link is http(s). */
function assertSafe(html: string): void {
  for (const match of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    assert.ok(ALLOWED_TAGS.has(match[1] as string), `unexpected tag <${match[1]}> in ${html}`);
    const attrs = match[2] ?? '';
    for (const href of attrs.matchAll(/href="([^"]*)"/g)) assert.match(href[1] as string, /^https?:\/\//, `link ${href[1]}`);
    assert.doesNotMatch(attrs, /\bon\w+=/i, 'no event handler attributes');
  }
}

// Deterministic pseudo-random strings over the characters that matter.
function* randomStrings(count: number, seed = 7): Generator<string> {
  const alphabet = ['*', '_', '~', '`', '|', '>', '#', '[', ']', '(', ')', '<', '>', '@', '\\', '-', '+', '.', '1', ' ', 'a', 'Z', '论', '文', '&', '"', "'", '😀', 'é', ':', '/', '!'];
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state;
  };
  for (let n = 0; n < count; n++) {
    let s = '';
    const length = 1 + (next() % 24);
    for (let i = 0; i < length; i++) s += alphabet[next() % alphabet.length];
    yield s.trim() || 'x';
  }
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '**bold** _italic_ __under__ ~~strike~~ ||spoiler|| `code`',
  '[click](javascript:alert(1))',
  '[label](https://evil.example/) and https://example.com/a_b*c',
  '@everyone <@123456789012345678> <@&123456789012345678> <#123456789012345678>',
  '# heading',
  '-# subtext',
  '> quote',
  '- list item',
  '1. numbered',
  'back\\slash \\* \\\\',
  '&amp; "double" \'single\' &#60;',
  'a_b_c snake_case __init__',
];

describe('markdown → HTML', () => {
  it('escapes HTML in text and attributes', () => {
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&</a>`), '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('renders text escaped by the builders as exactly that text, with no markup of its own', () => {
    for (const text of [...HOSTILE, ...randomStrings(2000)]) {
      const html = markdownToHtml(escapeMarkdown(text));
      assertSafe(html);
      assert.equal(textOf(html), text, `round trip of ${JSON.stringify(text)}: ${html}`);
      // Only bare URLs (left unescaped on purpose: Discord links them) may become elements inside the line.
      const inner = html.replace(/^<p>|<\/p>$/g, '').replace(/<a [^>]*>[^<]*<\/a>/g, '');
      assert.doesNotMatch(inner, /</, `no formatting from ${JSON.stringify(text)}: ${html}`);
    }
  });

  it('keeps cut text literal too (truncate escapes, then cuts between escapes)', () => {
    for (const text of randomStrings(500, 11)) {
      const cut = truncate(text.repeat(3), 20);
      const html = markdownToHtml(cut);
      assertSafe(html);
      assert.doesNotMatch(html.replace(/^<p>|<\/p>$/g, '').replace(/<a [^>]*>[^<]*<\/a>/g, ''), /</, `${cut} → ${html}`);
    }
  });

  it('renders the formatting Discord renders', () => {
    assert.equal(inlineMarkdown('**bold**'), '<strong>bold</strong>');
    assert.equal(inlineMarkdown('*it* _it_ __u__ ~~s~~'), '<em>it</em> <em>it</em> <u>u</u> <s>s</s>');
    assert.equal(inlineMarkdown('||secret||'), '<span class="spoiler">secret</span>');
    assert.equal(inlineMarkdown('`a*b*<c>`'), '<code>a*b*&#60;c&#62;</code>');
    assert.equal(inlineMarkdown('**a *b* c**'), '<strong>a <em>b</em> c</strong>');
    assert.equal(inlineMarkdown('snake_case_name'), 'snake_case_name');
    assert.equal(inlineMarkdown('2 * 3 * 4'), '2 * 3 * 4');
    assert.equal(inlineMarkdown('**unclosed'), '**unclosed');
  });

  it('renders masked links with escaped labels, and only http(s) ones', () => {
    const html = inlineMarkdown('**1.** [A \\(B\\) **C**](https://arxiv.org/abs/2511.16674) end');
    assert.equal(
      html,
      '<strong>1.</strong> <a href="https://arxiv.org/abs/2511.16674" target="_blank" rel="noopener noreferrer nofollow">A (B) <strong>C</strong></a> end',
    );
    const evil = inlineMarkdown('[x](javascript:alert(1)) [y](data:text/html,hi)');
    assert.doesNotMatch(evil, /href/);
    assert.equal(textOf(evil), '[x](javascript:alert(1)) [y](data:text/html,hi)');
    const quote = inlineMarkdown('[x](https://a.example/"onmouseover="alert(1))');
    assertSafe(quote);
    assert.doesNotMatch(quote, /" onmouseover|"onmouseover/);
  });

  it('links bare URLs without their trailing punctuation', () => {
    assert.equal(
      inlineMarkdown('see https://github.com/a/b_c.'),
      'see <a href="https://github.com/a/b_c" target="_blank" rel="noopener noreferrer nofollow">https://github.com/a/b_c</a>.',
    );
    assert.equal(inlineMarkdown('see https://x.example', { links: false }), 'see https://x.example');
  });

  it('renders quotes, headings, sub-text, lists and blank lines', () => {
    assert.equal(markdownToHtml('line\n\n> a\n> b\nafter'), '<p>line</p><p></p><blockquote>a<br>b</blockquote><p>after</p>');
    assert.equal(markdownToHtml('# H\n-# small'), '<h1>H</h1><small class="subtext">small</small>');
    assert.equal(markdownToHtml('- a\n- b\n1. c'), '<ul><li>a</li><li>b</li></ul><ol><li>c</li></ol>');
    assert.equal(markdownToHtml('\\# not\n\\- not\n1\\. not'), '<p># not</p><p>- not</p><p>1. not</p>');
  });
});

const hostilePaper: Paper = {
  id: 'arxiv:2511.00001',
  source: 'arxiv',
  date: '2025-11-23',
  title: '<script>alert("t")</script> **Bold** [x](javascript:1) @everyone',
  titleOriginal: 'English <b>title</b> _x_',
  authors: ['<img src=x onerror=alert(1)>', 'B *Two*'],
  abstract: '摘要 **不是粗体** <iframe src="https://evil.example"></iframe>。第二句。',
  abstractOriginal: null,
  url: 'https://arxiv.org/abs/2511.00001',
  pdfUrl: 'https://arxiv.org/pdf/2511.00001v1',
  codeUrl: null,
  arxivId: '2511.00001',
  version: 1,
  doi: null,
  published: null,
  notes: null,
};

describe('embeds', () => {
  it('renders a paper embed: coloured border, author, linked title, description, fields, footer — all literal', () => {
    const embed = paperEmbed(hostilePaper, { budget: 6000 });
    const html = renderEmbed(embed);
    assert.match(html, /^<article class="embed" style="border-left-color:#b31b1b">/);
    assert.doesNotMatch(html, /<script|<img|<iframe|<b>|href="javascript:/i);
    const author = /<div class="embed-author">(.*?)<\/div>/.exec(html)?.[1] ?? '';
    assert.equal(textOf(author), embed.author?.name);
    const title = /<a class="embed-title" href="https:\/\/arxiv\.org\/abs\/2511\.00001"[^>]*>(.*?)<\/a>/.exec(html)?.[1];
    assert.ok(title, html);
    assert.equal(textOf(title), '<script>alert("t")</script> **Bold** [x](javascript:1) @everyone');
    assert.match(html, /<div class="embed-field-name">English title<\/div><div class="embed-field-value"><p>English &#60;b&#62;title&#60;\/b&#62; _x_<\/p><\/div>/);
    assert.match(textOf(html), /摘要 \*\*不是粗体\*\* <iframe src="https:\/\/evil\.example"><\/iframe>。/);
    assert.match(html, /<a href="https:\/\/arxiv\.org\/abs\/2511\.00001"[^>]*>arXiv:2511\.00001v1<\/a> · <a href="https:\/\/arxiv\.org\/pdf\/2511\.00001v1"[^>]*>PDF<\/a>/);
    assert.match(html, /<div class="embed-footer">arXiv · 2025-11-23<\/div><\/article>$/);
  });

  it('clamps colours and leaves non-http title links out', () => {
    assert.equal(cssColor(undefined), '#1e1f22');
    assert.equal(cssColor(0x5865f2), '#5865f2');
    assert.equal(cssColor(0x1000000), '#1e1f22');
    assert.equal(cssColor(-1), '#1e1f22');
    const html = renderEmbed({ title: 't', url: 'javascript:alert(1)', fields: [{ name: 'n', value: 'v', inline: true }] });
    assert.doesNotMatch(html, /href/);
    assert.match(html, /<div class="embed-field inline">/);
  });

  it('renders a digest message: header content and one embed per paper', () => {
    const papers = [hostilePaper, { ...hostilePaper, id: 'arxiv:2511.00002', arxivId: '2511.00002', title: 'Second' }];
    const [message] = packDigestMessages({ source: 'arxiv', date: '2025-11-23', papers }, 'embeds');
    assert.ok(message);
    const html = renderBody(message);
    assert.equal((html.match(/<article class="embed"/g) ?? []).length, 2);
    assert.match(html, /^<div class="content"><p>📰 arXiv · 2025-11-23 · 2 papers<\/p><\/div>/);
  });

  it('renders thread posts with the thread name and its messages', () => {
    const plan = packDigestMessages({ source: 'arxiv', date: '2025-11-23', papers: [hostilePaper] }, 'thread');
    const html = renderPost({ time: 'arXiv · 2025-11-23', messages: [plan.header], thread: { name: plan.threadName, messages: plan.messages } });
    assert.match(html, /<div class="thread-name">🧵 arXiv · 2025-11-23 · 1 paper <span class="thread-count">1 message<\/span><\/div>/);
    assert.equal((html.match(/class="username"/g) ?? []).length, 2, 'the author line once in the channel and once in the thread');
  });
});

describe('components and page', () => {
  it('turns enabled buttons into links and leaves disabled ones inert', () => {
    const rows = [
      {
        type: 1,
        components: [
          { type: 2, style: 2, label: 'Previous', custom_id: encodeCustomId('paper', 'page', '-1', '*'), disabled: true },
          { type: 2, style: 2, label: 'Next <b>', custom_id: encodeCustomId('paper', 'page', '1', '*'), disabled: false },
        ],
      },
      { type: 1, components: [{ type: 3, custom_id: 'x', placeholder: 'Open a paper…', options: [{ label: '1. <i>A</i>', value: 'a' }] }] },
    ];
    const html = renderComponents(rows, (id) => `/search?page=${id.split('|')[3]}&x="y"`);
    assert.match(html, /<span class="button disabled">Previous<\/span>/);
    assert.match(html, /<a class="button" href="\/search\?page=1&#38;x=&#34;y&#34;">Next &#60;b&#62;<\/a>/);
    assert.match(html, /<summary>Open a paper…<\/summary><ul><li>1. &#60;i&#62;A&#60;\/i&#62;<\/li><\/ul>/);
  });

  it('escapes the query everywhere the page shows it', () => {
    const query = '"><script>alert(1)</script>';
    const html = renderPage({ mode: 'compact', query, notice: `results for ${query}`, posts: [], results: { embeds: [{ title: escapeMarkdown(query) }] } });
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /<input type="search" name="q" value="&#34;&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;"/);
    assert.match(html, /<a class="tab active" href="\/search\?mode=compact&#38;q=%22%3E%3Cscript%3Ealert\(1\)%3C%2Fscript%3E">compact<\/a>/);
    assert.match(html, /<title>&#34;&#62;&#60;script/);
  });

  it('says what to do when the store holds no digest', () => {
    const html = renderPage({ mode: 'embeds', query: '', notice: '0 digests', posts: [] });
    assert.match(html, /No digest in the store yet/);
    assert.match(html, /<a class="tab active" href="\/\?mode=embeds">embeds<\/a>/);
  });
});
