/**
 * The weekly most-saved post: a header with the week, then the papers most saved in the server, each with how many
 * people saved it, and the 🔖 menu to save them too. Pure.
 */
import type { Paper } from '../digest/types.ts';
import { paperUrl } from './embeds.ts';
import { LIMITS } from './limits.ts';
import { escapeMarkdown, maskedLink, oneLineHead, truncate } from './markdown.ts';
import { noMentions, type MessageBody } from './messages.ts';
import { saveMenuRows } from './save-menu.ts';

const STRINGS = {
  'en-US': { header: (from: string, to: string) => `📈 **Most saved this week** (${from} – ${to})`, saves: (n: number) => `🔖 ${n} ${n === 1 ? 'save' : 'saves'}` },
  'zh-CN': { header: (from: string, to: string) => `📈 **本周收藏最多的论文**（${from} – ${to}）`, saves: (n: number) => `🔖 ${n} 次收藏` },
} as const;

/** The post for one server's week `[from, to)`: `entries` most-saved first. */
export function weeklyMessage(entries: ReadonlyArray<{ paper: Paper; count: number }>, opts: { from: Date; to: Date; locale?: 'en-US' | 'zh-CN' }): MessageBody {
  const s = STRINGS[opts.locale ?? 'en-US'];
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const lines = entries.map(({ paper, count }, i) => {
    const title = truncate(escapeMarkdown(oneLineHead(paper.title, 300) || oneLineHead(paper.titleOriginal ?? '', 300) || paper.id), 200, { escape: false });
    const url = paperUrl(paper);
    return `**${i + 1}.** ${url ? maskedLink(title, url) : title} · ${s.saves(count)}`;
  });
  return {
    content: s.header(day(opts.from), day(new Date(opts.to.getTime() - 1))),
    embeds: [{ color: 0xf1c40f, description: truncate(lines.join('\n'), LIMITS.description, { escape: false }) }],
    components: saveMenuRows(entries.map((e) => e.paper), { ...(opts.locale ? { locale: opts.locale } : {}), rows: 1 }),
    allowed_mentions: noMentions(),
  };
}
