/**
 * `/paper related` and the Related button of `/paper show`: the papers closest to one paper, listed like
 * search results, with a menu that opens one of them. No paging: a short list is what "more like this" wants.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed } from 'discord-api-types/v10';
import type { Archive } from '../archive.ts';
import type { Paper } from '../digest/types.ts';
import type { Translate } from '../i18n/index.ts';
import { relatedPapers } from '../search/index.ts';
import { encodeCustomId } from './custom-id.ts';
import { sourceColor } from './embeds.ts';
import { LIMITS } from './limits.ts';
import { escapeMarkdown, oneLine, truncate, truncatePlain } from './markdown.ts';
import { resultLines } from './search-page.ts';

/** How many related papers are listed. */
export const RELATED_COUNT = 5;

/** The message listing the papers closest to `paper`. */
export async function relatedMessage(
  archive: Pick<Archive, 'index' | 'stores'>,
  paper: Paper,
  t: Translate,
): Promise<{ embeds: APIEmbed[]; components: APIActionRowComponent<APIComponentInMessageActionRow>[] }> {
  const hits = relatedPapers(archive.index, paper, RELATED_COUNT);
  const papers = await archive.stores.papers.getMany(hits.map((h) => h.id));
  const lines = hits.map((hit, i) => resultLines(i + 1, hit, papers[i]));
  const embed: APIEmbed = {
    title: truncate(t('paper.related.title', { title: oneLine(paper.title) || paper.id }), LIMITS.title),
    description: truncate(lines.length ? lines.join('\n\n') : t('paper.related.empty', { id: escapeMarkdown(paper.id) }), LIMITS.description, { escape: false }),
    color: sourceColor(paper.source),
  };
  const options = hits
    .filter((h) => h.id.length <= 100)
    .map((h, i) => ({
      label: truncatePlain(`${i + 1}. ${oneLine(h.title) || h.id}`, 100),
      value: h.id,
      description: truncatePlain([h.firstAuthor, h.date, h.id].filter(Boolean).join(' · '), 100),
    }));
  const components: APIActionRowComponent<APIComponentInMessageActionRow>[] = options.length
    ? [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.StringSelect, custom_id: encodeCustomId('paper', 'open'), placeholder: t('paper.search.open'), options }] }]
    : [];
  return { embeds: [embed], components };
}

/** The Related button under a shown paper (its id rides in the custom id; ids too long for it get no button). */
export function relatedButtonRow(paper: Paper, t: Translate): APIActionRowComponent<APIComponentInMessageActionRow>[] {
  let customId: string;
  try {
    customId = encodeCustomId('paper', 'related', paper.id);
  } catch {
    return []; // an id too long for Discord's 100-character custom id (very long DOIs/URLs): no button
  }
  return [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: t('paper.related.button'), custom_id: customId }] }];
}
