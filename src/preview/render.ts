/**
 * The local preview's HTML: message JSON (what the bot sends to Discord) rendered the way Discord's dark theme
 * shows it — author line, content, embeds with their coloured left border, linked title, fields and footer,
 * buttons and menus. Pure: JSON in, one HTML string out. All text is HTML-escaped; digest text is hostile.
 */
import type { APIEmbed } from 'discord-api-types/v10';
import type { ChannelMode } from '../discord/messages.ts';
import { escapeHtml, inlineMarkdown, markdownToHtml } from './markdown-html.ts';

export { escapeHtml, inlineMarkdown, markdownToHtml } from './markdown-html.ts';

/** The parts of a message body the preview shows (a `MessageBody`, or a search page's `{ embeds, components }`). */
export interface PreviewBody {
  content?: string | undefined;
  embeds?: readonly APIEmbed[] | undefined;
  /** Action rows as Discord JSON; buttons and string menus are shown, anything else ignored. */
  components?: readonly unknown[] | undefined;
}

/** One digest as a channel would receive it. */
export interface PreviewPost {
  /** Shown where Discord shows the message time (the digest date). */
  time: string;
  /** The messages posted in the channel, in order. */
  messages: readonly PreviewBody[];
  /** Thread mode: the thread started on the first message, with the messages posted inside it. */
  thread?: { name: string; messages: readonly PreviewBody[] } | undefined;
}

/** Where a button leads in the preview (paging); null leaves it inert. */
export type ComponentHref = (customId: string) => string | null;

/** Everything one preview page shows. */
export interface PreviewView {
  /** The modes the switcher offers and the one shown. */
  mode: ChannelMode;
  /** The search box's text. */
  query: string;
  /** A line above the messages (what is shown, from where). */
  notice: string;
  /** Digest posts, newest first (the home page). */
  posts: readonly PreviewPost[];
  /** A search results message (the search page). */
  results?: PreviewBody | undefined;
  /** Links to newer and older pages of digests. */
  pager?: { newer: string | null; older: string | null } | undefined;
  componentHref?: ComponentHref | undefined;
}

/** The bot's display name in the preview. */
export const BOT_NAME = 'arxiv-digest-bot';
const MODES: readonly ChannelMode[] = ['embeds', 'compact', 'thread'];

/** An embed colour as CSS (`#b31b1b`); Discord's default border when absent or out of range. */
export function cssColor(color: number | undefined): string {
  if (color === undefined || !Number.isInteger(color) || color < 0 || color > 0xffffff) return '#1e1f22';
  return `#${color.toString(16).padStart(6, '0')}`;
}

/** One embed as Discord shows it. */
export function renderEmbed(embed: APIEmbed): string {
  const parts: string[] = [];
  if (embed.author?.name) parts.push(`<div class="embed-author">${escapeHtml(embed.author.name)}</div>`);
  if (embed.title) {
    // Titles show inline formatting but never links; the title itself is the link.
    const title = inlineMarkdown(embed.title, { links: false });
    const href = embed.url && /^https?:\/\//i.test(embed.url) ? embed.url : null;
    parts.push(
      href
        ? `<a class="embed-title" href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer nofollow">${title}</a>`
        : `<div class="embed-title">${title}</div>`,
    );
  }
  if (embed.description) parts.push(`<div class="embed-description">${markdownToHtml(embed.description)}</div>`);
  if (embed.fields?.length) {
    const fields = embed.fields.map(
      (field) =>
        `<div class="embed-field${field.inline ? ' inline' : ''}"><div class="embed-field-name">${inlineMarkdown(field.name, { links: false })}</div>` +
        `<div class="embed-field-value">${markdownToHtml(field.value)}</div></div>`,
    );
    parts.push(`<div class="embed-fields">${fields.join('')}</div>`);
  }
  if (embed.footer?.text) parts.push(`<div class="embed-footer">${escapeHtml(embed.footer.text)}</div>`);
  return `<article class="embed" style="border-left-color:${cssColor(embed.color)}">${parts.join('')}</article>`;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Buttons and string menus of the action rows; other components are not part of the bot's messages. */
export function renderComponents(rows: readonly unknown[], href?: ComponentHref): string {
  const out: string[] = [];
  for (const row of rows) {
    const items = field(row, 'components');
    if (!Array.isArray(items)) continue;
    const rendered = items.map((item: unknown) => {
      const type = field(item, 'type');
      if (type === 2) {
        const label = escapeHtml(text(field(item, 'label')));
        const target = field(item, 'disabled') === true ? null : (href?.(text(field(item, 'custom_id'))) ?? null);
        return target ? `<a class="button" href="${escapeHtml(target)}">${label}</a>` : `<span class="button disabled">${label}</span>`;
      }
      if (type === 3) {
        const options = field(item, 'options');
        const labels = Array.isArray(options) ? options.map((o: unknown) => `<li>${escapeHtml(text(field(o, 'label')))}</li>`).join('') : '';
        return `<details class="select"><summary>${escapeHtml(text(field(item, 'placeholder')))}</summary><ul>${labels}</ul></details>`;
      }
      return '';
    });
    out.push(`<div class="action-row">${rendered.join('')}</div>`);
  }
  return out.join('');
}

/** A message's body: content, then embeds, then components. */
export function renderBody(body: PreviewBody, href?: ComponentHref): string {
  const content = body.content ? `<div class="content">${markdownToHtml(body.content)}</div>` : '';
  const embeds = (body.embeds ?? []).map(renderEmbed).join('');
  const components = body.components?.length ? renderComponents(body.components, href) : '';
  return `${content}${embeds ? `<div class="embeds">${embeds}</div>` : ''}${components}`;
}

/** Messages in a row by the bot: the author line on the first only, as Discord groups them. */
export function renderMessages(messages: readonly PreviewBody[], time: string, href?: ComponentHref): string {
  return messages
    .map((body, i) => {
      const head =
        i === 0
          ? `<div class="avatar" aria-hidden="true">📰</div><div class="meta"><span class="username">${BOT_NAME}</span><span class="bot-tag">APP</span><time>${escapeHtml(time)}</time></div>`
          : '';
      return `<li class="message${i === 0 ? ' first' : ''}">${head}<div class="body">${renderBody(body, href)}</div></li>`;
    })
    .join('');
}

/** One digest post, with its thread when the channel uses thread mode. */
export function renderPost(post: PreviewPost): string {
  const thread = post.thread
    ? `<div class="thread"><div class="thread-name">🧵 ${escapeHtml(post.thread.name)} <span class="thread-count">${post.thread.messages.length} ${post.thread.messages.length === 1 ? 'message' : 'messages'}</span></div>` +
      `<ol class="messages">${renderMessages(post.thread.messages, post.time)}</ol></div>`
    : '';
  return `<section class="post"><ol class="messages">${renderMessages(post.messages, post.time)}</ol>${thread}</section>`;
}

/** The whole page: header with mode switcher and search box, then the results or the digest posts. */
export function renderPage(view: PreviewView): string {
  const q = view.query ? `&q=${encodeURIComponent(view.query)}` : '';
  const base = view.results ? '/search' : '/';
  const tabs = MODES.map(
    (mode) =>
      `<a class="tab${mode === view.mode ? ' active' : ''}" href="${escapeHtml(`${base}?mode=${mode}${q}`)}">${mode}</a>`,
  ).join('');
  const main = view.results
    ? `<section class="post"><ol class="messages">${renderMessages([view.results], 'search', view.componentHref)}</ol></section>`
    : view.posts.map(renderPost).join('') || '<p class="empty">No digest in the store yet: put digest files in DIGEST_DIR and restart.</p>';
  const pager = view.pager
    ? `<nav class="pager">${view.pager.newer ? `<a href="${escapeHtml(view.pager.newer)}">← Newer</a>` : ''}${view.pager.older ? `<a href="${escapeHtml(view.pager.older)}">Older →</a>` : ''}</nav>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${view.results ? `${escapeHtml(view.query)} · ` : ''}${BOT_NAME} preview</title>
<style>${STYLE}</style></head>
<body><header class="channel-bar"><a class="channel" href="/?mode=${escapeHtml(view.mode)}"><span class="hash">#</span>papers</a>
<span class="topic">local preview of what ${BOT_NAME} posts</span>
<nav class="modes" aria-label="Channel mode">${tabs}</nav>
<form class="search" action="/search" method="get" role="search"><input type="hidden" name="mode" value="${escapeHtml(view.mode)}">
<input type="search" name="q" value="${escapeHtml(view.query)}" placeholder="Search papers" aria-label="Search papers" maxlength="200"><button type="submit">Search</button></form>
</header>
<main><p class="notice">${escapeHtml(view.notice)}</p>${main}${pager}</main></body></html>`;
}

// Discord's dark theme, approximately: its colours, sizes and spacing, with system fonts.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#313338;color:#dbdee1;font:16px/1.375 "gg sans","Noto Sans","Helvetica Neue",Helvetica,Arial,"WenQuanYi Micro Hei","Noto Sans CJK SC",sans-serif}
a{color:#00a8fc;text-decoration:none}a:hover{text-decoration:underline}
.channel-bar{position:sticky;top:0;z-index:1;display:flex;align-items:center;gap:12px;height:48px;padding:0 16px;background:#313338;box-shadow:0 1px 0 rgba(2,2,2,.2),0 1.5px 0 rgba(6,6,7,.05),0 2px 0 rgba(2,2,2,.05)}
.channel{color:#f2f3f5;font-weight:600}.hash{color:#80848e;font-size:24px;font-weight:400;margin-right:6px;vertical-align:-2px}
.topic{color:#b5bac1;font-size:14px;border-left:1px solid #3f4147;padding-left:12px;flex:1;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.modes{display:flex;gap:4px}.tab{color:#b5bac1;font-size:14px;padding:2px 8px;border-radius:4px}.tab.active{background:#404249;color:#fff}
.search{display:flex}.search input{width:240px;height:28px;background:#1e1f22;border:0;border-radius:4px 0 0 4px;color:#dbdee1;padding:0 8px;font:inherit;font-size:14px}
.search button{height:28px;border:0;border-radius:0 4px 4px 0;background:#5865f2;color:#fff;font:inherit;font-size:14px;padding:0 10px;cursor:pointer}
main{padding:8px 0 32px}.notice{color:#949ba4;font-size:13px;margin:8px 16px}.empty{margin:16px}
.post{border-bottom:1px solid #3f4147;padding-bottom:8px;margin-bottom:8px}
.messages{list-style:none;margin:0;padding:0}
.message{position:relative;padding:2px 48px 2px 72px}.message.first{margin-top:16px;min-height:44px}.message:hover{background:#2e3035}
.avatar{position:absolute;left:16px;top:2px;width:40px;height:40px;border-radius:50%;background:#b31b1b;display:flex;align-items:center;justify-content:center;font-size:20px}
.meta{display:flex;align-items:baseline;gap:4px}.username{color:#f2f3f5;font-weight:500}
.bot-tag{background:#5865f2;color:#fff;font-size:10px;font-weight:600;border-radius:3px;padding:0 4px;line-height:15px;height:15px;text-transform:uppercase}
time{color:#949ba4;font-size:12px;margin-left:4px}
.content p,.embed-description p,.embed-field-value p{margin:0;min-height:1.375em;white-space:pre-wrap;overflow-wrap:anywhere}
.embeds{display:grid;gap:4px;padding:2px 0}
.embed{max-width:516px;background:#2b2d31;border-left:4px solid #1e1f22;border-radius:4px;padding:8px 16px 16px 12px;display:grid;gap:8px;font-size:14px;line-height:1.125rem}
.embed-author{color:#f2f3f5;font-weight:600;font-size:14px;margin-top:8px}
.embed-title{color:#f2f3f5;font-weight:600;font-size:16px;line-height:1.375}.embed a.embed-title{color:#00a8fc}
.embed-author+.embed-title{margin-top:-4px}.embed>:first-child{margin-top:8px}
.embed-description{color:#dbdee1;white-space:normal}
.embed-fields{display:grid;grid-template-columns:repeat(12,1fr);gap:8px}.embed-field{grid-column:1/13}.embed-field.inline{grid-column:span 4}
.embed-field-name{color:#f2f3f5;font-weight:600;margin-bottom:2px}
.embed-footer{color:#dbdee1;font-size:12px;font-weight:500}
strong{font-weight:700;color:inherit}code{background:#2b2d31;border:1px solid #1e1f22;border-radius:4px;padding:0 .2em;font-size:85%;font-family:Consolas,"DejaVu Sans Mono",monospace}
.embed code{background:#1e1f22}
blockquote{margin:0;padding:0 8px 0 12px;border-left:4px solid #4e5058;border-radius:2px}
h1,h2,h3{margin:8px 0 4px;color:#f2f3f5;line-height:1.375}h1{font-size:1.5rem}h2{font-size:1.25rem}h3{font-size:1rem}
small.subtext{display:block;color:#949ba4;font-size:12px}
ul,ol{margin:4px 0 4px 16px;padding-left:16px}
.spoiler{background:#1e1f22;color:transparent;border-radius:3px}.spoiler:hover{color:inherit;background:#404249}
.action-row{display:flex;gap:8px;margin-top:8px;flex-wrap:wrap}
.button{display:inline-block;background:#4e5058;color:#fff;font-size:14px;font-weight:500;border-radius:3px;padding:2px 16px;line-height:28px}
.button.disabled{opacity:.5;cursor:not-allowed}
.select{width:400px;max-width:100%;background:#1e1f22;border-radius:4px;color:#949ba4;font-size:14px;padding:8px}.select ul{list-style:none;margin:8px 0 0;padding:0;color:#dbdee1}.select li{padding:4px 0}
.thread{margin:4px 48px 8px 72px;border-left:2px solid #4e5058;padding-left:12px}
.thread-name{color:#f2f3f5;font-weight:600;font-size:14px}.thread-count{color:#00a8fc;font-weight:500;margin-left:6px}
.thread .message{padding-left:56px}.thread .avatar{left:4px}
.pager{display:flex;gap:16px;margin:16px 72px}
@media (max-width:640px){.channel-bar{flex-wrap:wrap;height:auto;padding:8px 12px;row-gap:8px}.topic{display:none}
.search{flex:1 1 100%;min-width:0}.search input{flex:1;min-width:0;width:auto}}
`;
