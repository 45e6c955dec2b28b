/**
 * The interaction router: one entry point for slash commands, autocomplete, buttons and select menus.
 * It answers inside Discord's 3-second window (deferring on the handler's behalf when it runs long), and turns
 * every failure into a short ephemeral message in the user's language plus a log line with context.
 */
import { DiscordAPIError, MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import type { AppServices } from '../app.ts';
import { pickLocale, translator, type Translate } from '../i18n/index.ts';
import type { Logger } from '../log.ts';
import { isStoreError } from '../store/index.ts';
import type { Command, CommandContext, ReplyPayload } from './command.ts';
import { decodeCustomId } from '../discord/custom-id.ts';
import { UserError } from './errors.ts';

/** What the router needs. */
export interface RouterDeps {
  commands: ReadonlyMap<string, Command>;
  app: AppServices;
  log: Logger;
  /** After this long without a response the router defers for the handler (Discord allows 3 s). */
  deferAfterMs?: number;
  /** Called once per interaction with its kind and how long handling took (metrics). */
  observe?: (kind: string, command: string, seconds: number, ok: boolean) => void;
}

/** Returns the `interactionCreate` handler. It never throws. */
export function createRouter(deps: RouterDeps): (interaction: Interaction) => Promise<void> {
  const deferAfterMs = deps.deferAfterMs ?? 2000;
  return async (interaction) => {
    const started = performance.now();
    const locale = pickLocale(interaction.locale);
    const t = translator(locale);
    const commandName = interactionCommandName(interaction);
    const log = deps.log.child({
      interaction: interaction.id,
      kind: interactionKind(interaction),
      command: commandName,
      user: interaction.user.id,
      guild: interaction.guildId,
    });
    const command = commandName ? deps.commands.get(commandName) : undefined;
    let ok = true;
    try {
      if (interaction.isAutocomplete()) {
        if (command?.autocomplete) await command.autocomplete(interaction, { app: deps.app, locale, t, log });
        else await interaction.respond([]);
        return;
      }
      if (!interaction.isRepliable()) return;
      const replier = createReplier(interaction, command?.ephemeralByDefault ?? true);
      const ctx: CommandContext = { app: deps.app, locale, t, log, respond: replier.respond, defer: replier.defer };
      const timer = setTimeout(() => void replier.defer().catch((e: unknown) => log.warn({ err: e }, 'safety deferral failed')), deferAfterMs);
      try {
        if (!command) throw new UserError('error.unknownCommand');
        if (interaction.isChatInputCommand()) {
          await command.execute(interaction, ctx);
        } else if (interaction.isMessageComponent()) {
          const id = decodeCustomId(interaction.customId);
          if (!id || !command.component) throw new UserError('error.expired');
          await command.component(interaction, ctx, id);
        }
      } catch (error) {
        ok = false;
        await reportError(error, replier, t, log);
      } finally {
        clearTimeout(timer);
      }
    } catch (error) {
      ok = false;
      log.error({ err: error }, 'interaction could not be answered');
    } finally {
      deps.observe?.(interactionKind(interaction), commandName ?? 'unknown', (performance.now() - started) / 1000, ok);
    }
  };
}

async function reportError(error: unknown, replier: Replier, t: Translate, log: Logger): Promise<void> {
  let text: string;
  if (error instanceof UserError) {
    text = t(error.key, error.params);
    log.info({ reason: error.key }, 'interaction refused');
  } else if (error instanceof DiscordAPIError) {
    // Discord's messages can be long (a whole "Invalid Form Body" tree); the reply must stay well inside 2000.
    text = t('error.discord', { reason: error.message.slice(0, 300) });
    log.warn({ err: error }, 'Discord rejected a request while handling an interaction');
  } else if (isStoreError(error)) {
    text = t('error.store');
    log.error({ err: error }, 'store failure while handling an interaction');
  } else {
    text = t('error.generic');
    log.error({ err: error }, 'interaction handler failed');
  }
  try {
    await replier.respond({ content: `⚠️ ${text}`, ephemeral: true, embeds: [], components: [] });
  } catch (replyError) {
    log.warn({ err: replyError }, 'could not tell the user about the error (interaction expired?)');
  }
}

interface Replier {
  respond(payload: ReplyPayload | string): Promise<void>;
  defer(options?: { ephemeral?: boolean }): Promise<void>;
}

/**
 * Tracks the response state synchronously, so that a deferral fired by the safety timer and a reply from the
 * handler can never both be sent (discord.js only updates `deferred`/`replied` after the request returns).
 */
function createReplier(interaction: RepliableInteraction, ephemeralByDefault: boolean): Replier {
  let state: 'none' | 'deferring' | 'deferred' | 'replied' = interaction.deferred ? 'deferred' : interaction.replied ? 'replied' : 'none';
  let deferral: Promise<void> | null = null;
  let ephemeralDeferred = ephemeralByDefault;

  const defer: Replier['defer'] = async (options) => {
    if (state !== 'none') return deferral ?? undefined;
    state = 'deferring';
    ephemeralDeferred = options?.ephemeral ?? ephemeralByDefault;
    deferral = (async () => {
      if (interaction.isMessageComponent()) await interaction.deferUpdate();
      else await interaction.deferReply(ephemeralDeferred ? { flags: MessageFlags.Ephemeral } : {});
      state = 'deferred';
    })();
    return deferral;
  };

  const respond: Replier['respond'] = async (input) => {
    const payload: ReplyPayload = typeof input === 'string' ? { content: input } : input;
    const { ephemeral, ...body } = payload;
    const allowedMentions = body.allowedMentions ?? { parse: [] };
    if (state === 'deferring') await deferral;
    if (state === 'none') {
      state = 'replied';
      const flags = (ephemeral ?? ephemeralByDefault) ? MessageFlags.Ephemeral : undefined;
      if (interaction.isMessageComponent() && payload.ephemeral === undefined) {
        await interaction.update({ ...body, allowedMentions });
      } else {
        await interaction.reply({ ...body, allowedMentions, ...(flags ? { flags } : {}) } as Parameters<typeof interaction.reply>[0]);
      }
    } else if (state === 'deferred' && interaction.isMessageComponent() && ephemeral === true) {
      // After a deferUpdate, editing would overwrite the message the button sits on (for everyone, if public):
      // a private answer goes out as its own ephemeral follow-up instead.
      state = 'replied';
      await interaction.followUp({ ...body, allowedMentions, flags: MessageFlags.Ephemeral } as Parameters<typeof interaction.followUp>[0]);
    } else if (state === 'deferred') {
      state = 'replied';
      await interaction.editReply({ ...body, allowedMentions });
    } else {
      const flags = (ephemeral ?? true) ? MessageFlags.Ephemeral : undefined;
      await interaction.followUp({ ...body, allowedMentions, ...(flags ? { flags } : {}) } as Parameters<typeof interaction.followUp>[0]);
    }
  };
  return { respond, defer };
}

function interactionCommandName(interaction: Interaction): string | undefined {
  if (interaction.isChatInputCommand() || interaction.isAutocomplete()) return interaction.commandName;
  if (interaction.isMessageComponent()) return decodeCustomId(interaction.customId)?.command;
  return undefined;
}

function interactionKind(interaction: Interaction): string {
  if (interaction.isAutocomplete()) return 'autocomplete';
  if (interaction.isChatInputCommand()) return 'command';
  if (interaction.isButton()) return 'button';
  if (interaction.isAnySelectMenu()) return 'select';
  return 'other';
}
