/** Shared shapes for the command-line commands in this folder. */

/** Where a CLI command writes; passed in so commands can be run in-process by tests. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** One `cli` subcommand. `run` resolves to the process exit code. */
export interface CliCommand {
  /** One line for `cli help`. */
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** An expected failure (bad path, bad option): printed as one line, no stack trace. */
export class CliError extends Error {
  override name = 'CliError';
}
