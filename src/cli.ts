/**
 * Command-line entry: `npm run --silent cli -- <command> [args]`.
 * Each command lives in src/cli/<command>.ts and exports a {@link CliCommand}; this file only dispatches,
 * turns failures into one clear line on stderr, and sets the exit code. Output formats are contracts.
 */
import process from 'node:process';
import { CliError, type CliCommand } from './cli/types.ts';

const commands: Record<string, () => Promise<{ default: CliCommand }>> = {
  parse: () => import('./cli/parse.ts'),
  ingest: () => import('./cli/ingest.ts'),
  search: () => import('./cli/search.ts'),
  export: () => import('./cli/export.ts'),
  import: () => import('./cli/import.ts'),
  fetch: () => import('./cli/fetch.ts'),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`unknown command "${name}"\n${usage()}`);
    return 1;
  }
  const command = (await load()).default;
  return await command.run(args, { stdout: process.stdout, stderr: process.stderr, env: process.env });
}

function usage(): string {
  return `usage: npm run --silent cli -- <command> [args]\ncommands: ${Object.keys(commands).join(', ')}\n`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A user never sees a stack trace: one line, and the exit code says it failed.
    const message = error instanceof CliError ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
    process.stderr.write(`error: ${message}\n`);
    if (process.env.DEBUG) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exitCode = 1;
  },
);
