/**
 * Digest parsing off the event loop (issue 15): a worker thread parses each file, so a huge or hostile digest never
 * delays the bot's interactions. Each file has a time budget; a file that takes longer is reported and skipped, and
 * the worker is terminated and replaced. The parser's API (src/digest) is unchanged; this is only where it runs.
 */
import { Worker } from 'node:worker_threads';
import type { Digest, Paper, ParseResult, ParseWarning } from '../digest/types.ts';
import type { ParseRequest } from './parse-thread.ts';

/** Parses one digest file's bytes. Never rejects for a bad file: problems are warnings of the result. */
export type DigestParse = (bytes: Uint8Array, fileName: string) => Promise<ParseResult>;

/** A parser running in a worker thread. */
export interface ParseWorker {
  parse: DigestParse;
  /** Terminates the worker (a parse under way resolves as failed). */
  close(): Promise<void>;
}

/** Default time budget of one file. The largest real digests parse in well under a second. */
export const DEFAULT_PARSE_BUDGET_MS = 30_000;

type Reply =
  | { id: number; kind: 'ready' }
  | { id: number; kind: 'papers'; papers: Paper[] }
  | { id: number; kind: 'done'; digests: (Omit<Digest, 'papers'> & { papers: number[] })[]; listed: number; warnings: ParseWarning[] };

const failed = (message: string): ParseResult => ({ digests: [], papers: [], warnings: [{ line: 1, kind: 'parse-error', message }] });

/**
 * Starts a parse worker (lazily: the thread starts on the first file). Files are parsed one at a time, in order.
 * `budgetMs` bounds each file; the thread runs TypeScript through tsx, as `npm start` does.
 */
export function createParseWorker(options: { budgetMs?: number; /** Start the thread now, not on the first file. */ eager?: boolean } = {}): ParseWorker {
  const budgetMs = options.budgetMs ?? DEFAULT_PARSE_BUDGET_MS;
  let worker: Worker | null = null;
  /** Settles once the current thread has loaded the parser (or failed to). */
  let ready: Promise<void> = Promise.resolve();
  let nextId = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let current: { id: number; worker: Worker; papers: Paper[]; settle: (result: ParseResult) => void } | null = null;

  function start(): Worker {
    const thread = new URL('./parse-thread.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    // A worker does not inherit tsx's module hooks: register them in the thread, then load the entry.
    const w = new Worker(
      `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(thread)}); })`,
      { eval: true },
    );
    w.unref();
    ready = new Promise<void>((resolve) => {
      w.on('message', (reply: Reply) => reply.kind === 'ready' && resolve());
      w.once('error', () => resolve());
      w.once('exit', () => resolve());
    });
    w.on('message', (reply: Reply) => {
      if (reply.kind === 'ready') return;
      if (current?.worker !== w || reply.id !== current.id) return;
      if (reply.kind === 'papers') {
        current.papers.push(...reply.papers);
        return;
      }
      const papers = current.papers;
      const digests = reply.digests.map((d) => ({ ...d, papers: d.papers.map((i) => papers[i] as Paper) }));
      current.settle({ digests, papers: papers.slice(0, reply.listed), warnings: reply.warnings });
    });
    w.on('error', (error) => {
      // The thread died (a parser bug that escaped, out of memory): this file fails, the next one gets a new thread.
      if (worker === w) worker = null;
      if (current?.worker === w) current.settle(failed(`parser failed: ${error.message}`));
    });
    w.on('exit', () => {
      if (worker === w) worker = null;
      if (current?.worker === w) current.settle(failed('the parser stopped unexpectedly'));
    });
    return w;
  }

  async function parseOne(bytes: Uint8Array, fileName: string): Promise<ParseResult> {
    worker ??= start();
    const w = worker;
    await ready;
    const id = ++nextId;
    return new Promise<ParseResult>((resolve) => {
      const timer = setTimeout(() => {
        // Over budget: the thread may be stuck in one regex for minutes, so it is terminated, not asked.
        current?.settle(failed(`parsing took longer than ${budgetMs / 1000} s; the file was skipped (is it a digest?)`));
        if (worker === w) worker = null;
        void w.terminate();
      }, budgetMs);
      current = {
        id,
        worker: w,
        papers: [],
        settle(result) {
          clearTimeout(timer);
          if (current?.id === id) current = null;
          resolve(result);
        },
      };
      // A copy the thread can own: `bytes` may be a view into a shared pool.
      const own = bytes.slice();
      const request: ParseRequest = { id, bytes: own, fileName };
      w.postMessage(request, [own.buffer]);
    });
  }

  // The bot starts the thread while it logs in, so the first ingest does not wait for it to load.
  if (options.eager) worker = start();

  return {
    parse(bytes, fileName) {
      const result = queue.then(() => parseOne(bytes, fileName));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      const w = worker;
      worker = null;
      current?.settle(failed('the parser was stopped'));
      await w?.terminate();
    },
  };
}
