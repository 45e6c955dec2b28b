/**
 * Localized text for users: en-US and zh-CN, chosen by the interaction's locale.
 * Command names/descriptions are localized in the command definitions; this module holds reply text.
 */
import { enUS, type MessageKey } from './en-US.ts';
import { zhCN } from './zh-CN.ts';

export type { MessageKey };

/** The locales the bot speaks. */
export type Locale = 'en-US' | 'zh-CN';

/** Translates a key with `{name}` parameters. */
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const tables: Record<Locale, Record<MessageKey, string>> = { 'en-US': enUS, 'zh-CN': zhCN };

/** Maps any Discord locale (`zh-CN`, `zh-TW`, `en-GB`, …) to a locale the bot speaks; English is the fallback. */
export function pickLocale(discordLocale: string | null | undefined): Locale {
  return discordLocale?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en-US';
}

/** A translator bound to one locale. Unknown `{params}` stay visible rather than vanishing. */
export function translator(locale: Locale): Translate {
  const table = tables[locale];
  return (key, params) =>
    table[key].replace(/\{(\w+)\}/g, (whole, name: string) => (params && name in params ? String(params[name]) : whole));
}
