/** Runs a TypeScript entry point of the project (`src/cli.ts`, `src/deploy-commands.ts`) as a user would. */
import { spawn } from 'node:child_process';

/** What a finished process printed. */
export interface ProcessRun {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node --import tsx <script> …args` and resolves once it has exited and its output is read. Output is
 * decoded as a stream, so a character split across two chunks is not garbled. Asynchronous on purpose: servers in
 * this process (the local Discord, fake APIs) keep answering meanwhile.
 */
export function runScript(
  script: string,
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    stdin?: string;
    /** Called with everything printed on stderr so far, each time more arrives. */
    onStderr?: (soFar: string) => void;
  } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.(stderr);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
