/**
 * Discord API failures at start-up and in `deploy-commands`, explained: where it failed and what to check
 * (issue 15). A REST call that times out, a token Discord refuses, a server the bot was never invited to.
 */
import { DiscordAPIError } from 'discord.js';
import { redactUrl } from '../redact.ts';
import { inviteUrl } from '../discord/invite.ts';

/** How long one Discord REST request may take before the tools below give up on it (discord.js default 15 s). */
export const DISCORD_REST_TIMEOUT_MS = 15_000;

/** What was being done, for the message. */
export interface DiscordCallContext {
  apiUrl: string;
  /** `log in`, `register the commands`, … */
  action: string;
  guildId?: string | undefined;
  applicationId?: string | undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError' || /operation was aborted/i.test(error.message));
}

/** One line saying what went wrong and what to check; never contains the token or URL credentials. */
export function explainDiscordError(error: unknown, context: DiscordCallContext): string {
  const where = redactUrl(context.apiUrl);
  if (isTimeout(error)) {
    return `could not ${context.action}: Discord did not answer within ${DISCORD_REST_TIMEOUT_MS / 1000} s at ${where} — check DISCORD_API_URL (unset it for https://discord.com/api) and that this machine can reach it (a proxy or firewall that accepts connections but never answers looks like this)`;
  }
  if (error instanceof DiscordAPIError) {
    if (error.status === 401) {
      return `could not ${context.action}: Discord refused the token (401 Unauthorized) — check DISCORD_TOKEN: it must be the bot token from the Developer Portal's Bot tab (Reset Token gives a new one)`;
    }
    if (context.guildId && (error.code === 10004 || error.code === 50001)) {
      const invite = context.applicationId ? ` (${inviteUrl(context.applicationId)})` : '';
      return `could not ${context.action} in server ${context.guildId}: the bot is not in that server (${error.message}) — invite the bot to that server first${invite}, then run this again`;
    }
    return `could not ${context.action}: Discord answered ${error.status} ${error.message} at ${where}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code ?? (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return `could not ${context.action}: cannot reach ${where} (${String(code)}) — check DISCORD_API_URL and the network`;
  }
  return `could not ${context.action} at ${where}: ${message}`;
}
