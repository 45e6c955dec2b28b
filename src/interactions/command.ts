/**
 * The shape of a slash command module (`commands/<name>.ts`): its definition and its handlers, typed together.
 * Modules `export default { data, execute, … } satisfies Command`; the loader validates the shape at start-up.
 */
import type {
  AutocompleteInteraction,
  ChatInputCommandInteraction,
  InteractionEditReplyOptions,
  InteractionReplyOptions,
  MessageComponentInteraction,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { AppServices } from '../app.ts';
import type { Locale, Translate } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import type { CustomId } from '../discord/custom-id.ts';

/** What a reply may contain; `ephemeral` is a convenience for the Ephemeral flag. */
export type ReplyPayload = Omit<InteractionReplyOptions, 'flags' | 'ephemeral'> &
  Omit<InteractionEditReplyOptions, 'flags'> & { ephemeral?: boolean };

/** Everything a handler may touch, nothing more. */
export interface CommandContext {
  app: AppServices;
  locale: Locale;
  t: Translate;
  log: Logger;
  /**
   * Replies, or edits the deferred reply, or follows up — whichever the interaction's state needs.
   * Handlers use this instead of `interaction.reply` so that the router's safety deferral can never race them.
   */
  respond(payload: ReplyPayload | string): Promise<void>;
  /** Defers the reply (Discord then allows 15 minutes); a no-op when already deferred or replied. */
  defer(options?: { ephemeral?: boolean }): Promise<void>;
}

/** Builders or plain JSON: anything with a name that serialises to a chat-input command body. */
export interface CommandData {
  readonly name: string;
  toJSON(): RESTPostAPIChatInputApplicationCommandsJSONBody;
}

/** A slash command module. */
export interface Command {
  data: CommandData;
  /** Deferred replies are ephemeral unless the command says otherwise. */
  ephemeralByDefault?: boolean;
  execute(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: Omit<CommandContext, 'respond' | 'defer'>): Promise<void>;
  /** Buttons and select menus whose custom id names this command (see custom-id.ts). */
  component?(interaction: MessageComponentInteraction, ctx: CommandContext, id: CustomId): Promise<void>;
}
