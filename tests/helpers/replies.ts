/** Reading what the bot answered to an injected interaction. */
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import type { InteractionRecord } from '../discord/interactions.ts';

/** The visible reply: the `@original` message after edits, else the initial response's data. */
export function reply(record: InteractionRecord): { content: string; embeds: APIEmbed[]; flags: number; components: unknown[] } {
  const data = (record.original ?? record.initial?.data ?? {}) as Partial<APIMessage> & { flags?: number };
  return {
    content: data.content ?? '',
    embeds: (data.embeds ?? []) as APIEmbed[],
    flags: Number(data.flags ?? (record.initial?.data as { flags?: number } | undefined)?.flags ?? 0),
    components: (data.components ?? []) as unknown[],
  };
}

/** The arXiv ids (from embed URLs) of every paper embed in a list of messages, in order. */
export function postedIds(messages: readonly APIMessage[]): string[] {
  return messages.flatMap((m) => (m.embeds ?? []).map((e) => /abs\/([\d.]+)/.exec(e.url ?? '')?.[1] ?? '?'));
}
