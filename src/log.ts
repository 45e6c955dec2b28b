/**
 * Structured logging (pino). Secrets never reach a log line: known secret fields are redacted by path, and every
 * string that contains the live token is scrubbed by {@link scrubSecrets} before it is logged or shown.
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
      hooks: {
        // Scrub secrets from the message and from serialized errors, wherever they were embedded.
        logMethod(args, method) {
          method.apply(this, secrets.length ? (args.map((a) => scrubDeep(a, secrets)) as typeof args) : args);
        },
      },
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

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubSecrets(value, secrets);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    const copy = new Error(scrubSecrets(value.message, secrets));
    copy.name = value.name;
    copy.stack = value.stack ? scrubSecrets(value.stack, secrets) : undefined;
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets, depth + 1)]));
}
