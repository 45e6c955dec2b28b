/**
 * The "🔖 Save…" menu under posted digests, subscription posts and search results: a select listing the papers of
 * that message, so a reader keeps one in their reading list where they saw it. The menu carries everything a
 * click needs (the paper ids are the option values), so it keeps working after restarts. Pure.
 */
import { ComponentType } from 'discord-api-types/v10';
import type { APIActionRowComponent, APIStringSelectComponent } from 'discord-api-types/v10';
import type { Paper } from '../digest/types.ts';
import { translator } from '../i18n/index.ts';
import { encodeCustomId } from './custom-id.ts';
import { LIMITS } from './limits.ts';
import { oneLineHead, truncatePlain } from './markdown.ts';

const OPTIONS_PER_MENU = LIMITS.selectOptions;
const ROWS = LIMITS.actionRows;

/** A paper as a menu option, or undefined when its id does not fit an option value (100 characters). */
function option(paper: Pick<Paper, 'id' | 'title' | 'titleOriginal' | 'authors'>, number: number): APIStringSelectComponent['options'][number] | undefined {
  if (paper.id.length > 100) return undefined;
  const title = oneLineHead(paper.title, 300) || oneLineHead(paper.titleOriginal ?? '', 300) || paper.id;
  const description = [paper.authors[0], paper.id].filter(Boolean).join(' · ');
  return { label: truncatePlain(`${number}. ${title}`, 100) || paper.id, value: paper.id, description: truncatePlain(description, 100) || paper.id };
}

/**
 * Action rows with save menus for these papers (numbered from `first`), 25 papers a menu, at most `rows` menus
 * (the rest of a very long compact message stays reachable through `/paper show` and search).
 */
export function saveMenuRows(
  papers: ReadonlyArray<Pick<Paper, 'id' | 'title' | 'titleOriginal' | 'authors'>>,
  opts: { locale?: 'en-US' | 'zh-CN'; first?: number; rows?: number; placeholder?: string } = {},
): APIActionRowComponent<APIStringSelectComponent>[] {
  const first = opts.first ?? 1;
  const options = papers.flatMap((paper, i) => option(paper, first + i) ?? []);
  const rows: APIActionRowComponent<APIStringSelectComponent>[] = [];
  for (let i = 0; i < options.length && rows.length < (opts.rows ?? ROWS); i += OPTIONS_PER_MENU) {
    const chunk = options.slice(i, i + OPTIONS_PER_MENU);
    rows.push({
      type: ComponentType.ActionRow,
      components: [{
        type: ComponentType.StringSelect,
        // Unique per message: Discord refuses two components with one custom id.
        custom_id: encodeCustomId('paper', 'save', String(rows.length)),
        placeholder: opts.placeholder ?? translator(opts.locale ?? 'en-US')('paper.save.placeholder'),
        min_values: 1,
        max_values: chunk.length,
        options: chunk,
      }],
    });
  }
  return rows;
}
