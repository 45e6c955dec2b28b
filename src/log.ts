/**
 * Structured logging (pino). Secrets never reach a log line: known secret fields are redacted by path, and every
 * finished line is scrubbed of the live token by {@link scrubSecrets} before it is written.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger. `secrets` are strings that must never be printed (the bot token). */
export function createLogger(options: { level: string; secrets?: string[]; destination?: NodeJS.WritableStream }): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  return pino(
    {
      level: options.level,
      redact: { paths: ['token', '*.token', 'discordToken', '*.discordToken', 'headers.authorization', '*.headers.authorization'], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      // Scrub the finished line: whatever nesting, error or stack a secret hides in, it never reaches the output.
      hooks: secrets.length ? { streamWrite: (line: string) => scrubSecrets(line, secrets) } : {},
    },
    (options.destination as pino.DestinationStream | undefined) ?? pino.destination(1),
  );
}

/** Replaces every occurrence of each secret in `text` with `[redacted]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out;
}
