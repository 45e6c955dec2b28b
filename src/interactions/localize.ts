/**
 * Localizations for command definitions. Discord shows `name_localizations`/`description_localizations` to users
 * whose client language matches; the base name stays English (it is the contract: `/digest`, `/paper`, …).
 */
import type { LocalizationMap } from 'discord.js';

/** A pair of texts for a command or option: English and Simplified Chinese. */
export interface Localized {
  en: string;
  zh: string;
}

/** Description localizations for both locales the bot speaks. */
export function descriptions(text: Localized): LocalizationMap {
  return { 'en-US': text.en, 'en-GB': text.en, 'zh-CN': text.zh, 'zh-TW': text.zh };
}

/** Name localizations: Chinese clients see the Chinese name; English clients the base name. */
export function names(zh: string): LocalizationMap {
  return { 'zh-CN': zh, 'zh-TW': zh };
}

/** Applies a name (base English) and its localizations plus descriptions to any builder that supports them. */
export function localize<
  T extends {
    setName(name: string): T;
    setNameLocalizations(map: LocalizationMap): T;
    setDescription(text: string): T;
    setDescriptionLocalizations(map: LocalizationMap): T;
  },
>(builder: T, name: string, zhName: string, description: Localized): T {
  return builder
    .setName(name)
    .setNameLocalizations(names(zhName))
    .setDescription(description.en)
    .setDescriptionLocalizations(descriptions(description));
}
