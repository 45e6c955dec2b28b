/**
 * Loads and validates the command modules in `commands/`. A malformed module stops start-up with one line that
 * names the file and what is wrong, rather than failing later on the first interaction.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { Command } from './command.ts';

const commandShape = z.object({
  data: z.object({
    name: z.string().regex(/^[-_\p{L}\p{N}]{1,32}$/u, 'name must be 1-32 lower-case letters, digits, - or _'),
    toJSON: z.function(),
  }),
  execute: z.function(),
  autocomplete: z.function().optional(),
  component: z.function().optional(),
});

/** Thrown when a command module is malformed. */
export class CommandLoadError extends Error {
  override name = 'CommandLoadError';
}

/** The folder the command modules live in (`commands/` at the project root). */
export const COMMANDS_DIR = resolve(import.meta.dirname, '../../commands');

/** Imports every `*.ts` module of `dir` and checks it is a {@link Command}; names must be unique. */
export async function loadCommands(dir: string = COMMANDS_DIR): Promise<Map<string, Command>> {
  const files = readdirSync(dir)
    .filter((f) => /\.[cm]?[jt]s$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .sort();
  const commands = new Map<string, Command>();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(dir, file)).href)) as { default?: unknown };
    const parsed = commandShape.safeParse(module.default);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CommandLoadError(`commands/${file}: not a command module (${issue?.path.join('.') || 'default export'}: ${issue?.message})`);
    }
    const command = module.default as Command;
    if (commands.has(command.data.name)) throw new CommandLoadError(`commands/${file}: duplicate command name "${command.data.name}"`);
    commands.set(command.data.name, command);
  }
  if (commands.size === 0) throw new CommandLoadError(`no command modules in ${dir}`);
  return commands;
}
