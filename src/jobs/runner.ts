/**
 * The digest job: ingest new or changed digest files, plan what each channel and subscriber is due, and drain the
 * outbox. It runs on a cron schedule, once at start-up, and from `/digest run`. Runs never overlap: a run asked for
 * while one is under way is coalesced into one follow-up run, so nothing that arrived meanwhile is missed.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.ts';
import { createDeliveryFeed, type DrainReport, type Publisher } from '../discord/publisher.ts';
import type { Problem } from '../i18n/problems.ts';
import type { IngestReport } from './ingest.ts';

/** What one run did. */
export interface RunReport {
  trigger: string;
  startedAt: Date;
  seconds: number;
  /** Digest files that were new or changed. */
  filesChanged: number;
  /** Files the fetch step downloaded new or changed (absent without DIGEST_SOURCES). */
  filesFetched?: number;
  /** Sources whose fetch failed this run. */
  sourcesFailed?: number;
  newPapers: number;
  /** Messages planned into the outbox by this run. */
  messagesPlanned: number;
  messagesSent: number;
  /** Problems for `/digest status` and the reply to `/digest run`, translated where they are shown. */
  problems: Problem[];
  /** True when this process did not run the job because another one holds it (several bot processes). */
  skipped?: boolean;
}

/** The steps a run performs, injected so the runner itself is only scheduling. */
export interface RunSteps {
  /**
   * Fetches new digest files from the configured sources into the digest folder (optional). Remote failures are
   * recorded per source for `/digest status`, not thrown; a throw (the store) is logged and the run goes on.
   */
  fetch?(): Promise<{ downloaded: number; failedSources: number }>;
  ingest(): Promise<IngestReport>;
  /**
   * Plans outbox entries for everything due; returns how many were planned. `onPlanned` receives the ids of each
   * batch as soon as it is in the outbox, so delivery starts while planning continues.
   */
  plan(onPlanned?: (ids: readonly string[]) => void): Promise<number>;
  publisher: Publisher;
}

/** The scheduled job. */
export interface DigestRunner {
  readonly running: boolean;
  /** Runs now (or after the run under way) and resolves with its report. */
  run(trigger: string): Promise<RunReport>;
  /** Starts the cron schedule. */
  start(): void;
  /** Stops the schedule and waits for a run under way to finish. */
  stop(): Promise<void>;
  nextRun(): Date | null;
  lastRun(): RunReport | null;
}

/** Creates the runner; `schedule` is the cron expression, evaluated in `timeZone`. */
export function createRunner(deps: {
  steps: RunSteps;
  log: Logger;
  schedule: string;
  timeZone: string;
  /** After a run that left messages pending (an outage), retry delivery this soon instead of at the next tick. */
  retryDeliveryMs?: number;
  /**
   * After a run that failed (the store was unreachable), retry this soon, doubling up to `retryDeliveryMs` while
   * it keeps failing. Default 5000 ms.
   */
  retryFailedMs?: number;
  /** Asked before every run: false when another process holds the job (see lease.ts). Default: always run. */
  gate?: () => Promise<boolean>;
  /** The clock (default: the system's). */
  now?: () => Date;
}): DigestRunner {
  const { steps, log } = deps;
  const now = deps.now ?? (() => new Date());
  let current: Promise<RunReport> | null = null;
  let queued: Promise<RunReport> | null = null;
  let task: ScheduledTask | null = null;
  let last: RunReport | null = null;
  let retryTimer: NodeJS.Timeout | null = null;
  let stopped = false;
  /** Runs in a row that failed: the backoff of the next retry. */
  let failedRuns = 0;

  async function execute(trigger: string): Promise<RunReport> {
    const startedAt = now();
    const problems: Problem[] = [];
    if (deps.gate) {
      let mine: boolean;
      try {
        mine = await deps.gate();
      } catch (error) {
        // Not "someone else has it": we could not even ask. Say so rather than reporting an idle run.
        log.warn({ err: error, trigger }, 'could not check the job lease; skipping this run');
        problems.push({ key: 'problem.leaseCheck', params: { reason: (error as Error).message } });
        mine = false;
        failed();
      }
      if (!mine) {
        return { trigger, startedAt, seconds: 0, filesChanged: 0, newPapers: 0, messagesPlanned: 0, messagesSent: 0, problems, skipped: true };
      }
    }
    let ingest: IngestReport | null = null;
    let planned = 0;
    let drain: DrainReport = { sent: 0, failed: 0, pending: 0, problems: [] };
    let fetched: { downloaded: number; failedSources: number } | undefined;
    if (steps.fetch) {
      try {
        fetched = await steps.fetch();
      } catch (error) {
        // What was fetched before still gets ingested and delivered.
        log.error({ err: error, trigger }, 'fetching digests failed; ingesting what is already in the folder');
        problems.push({ key: 'problem.fetchFailed', params: { reason: (error as Error).message } });
      }
    }
    // Delivery starts once the fetch is done (what earlier runs left pending) and takes each planned batch as it
    // is enqueued.
    const feed = createDeliveryFeed();
    const delivering = steps.publisher.drain(feed);
    delivering.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    let ok = true;
    try {
      ingest = await steps.ingest();
      problems.push(...ingest.failures.map((f): Problem => ({ key: 'problem.ingestFile', params: { path: f.path, reason: f.reason } })));
      planned = await steps.plan((ids) => feed.push(ids));
    } catch (error) {
      log.error({ err: error, trigger }, 'digest run failed before delivery; delivering what is already queued');
      problems.push({ key: 'problem.ingestFailed', params: { reason: (error as Error).message } });
      ok = false;
    } finally {
      feed.close();
    }
    try {
      drain = await delivering;
      problems.push(...drain.problems);
    } catch (error) {
      log.error({ err: error, trigger }, 'delivery failed; the outbox keeps everything for the next run');
      problems.push({ key: 'problem.deliveryFailed', params: { reason: (error as Error).message } });
      ok = false;
    }
    const report: RunReport = {
      trigger,
      startedAt,
      seconds: (now().getTime() - startedAt.getTime()) / 1000,
      filesChanged: ingest?.changed ?? 0,
      ...(fetched && { filesFetched: fetched.downloaded, sourcesFailed: fetched.failedSources }),
      newPapers: ingest?.added.length ?? 0,
      messagesPlanned: planned,
      messagesSent: drain.sent,
      problems,
    };
    last = report;
    log.info({ ...report, problems: problems.length }, 'digest run finished');
    if (!ok) failed();
    else {
      failedRuns = 0;
      if (drain.pending > 0 && !stopped && deps.retryDeliveryMs !== 0) scheduleRetry(deps.retryDeliveryMs ?? 60_000);
    }
    return report;
  }

  /** A run failed (typically a store outage): try again soon, backing off while it keeps failing. */
  function failed(): void {
    if (stopped || deps.retryFailedMs === 0) return;
    const base = deps.retryFailedMs ?? 5000;
    const cap = Math.max(base, deps.retryDeliveryMs ?? 60_000);
    const delay = Math.min(cap, base * 2 ** failedRuns);
    failedRuns += 1;
    log.info({ inSeconds: delay / 1000, failedRuns }, 'the run will be retried');
    scheduleRetry(delay);
  }

  function scheduleRetry(delayMs: number): void {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void run('retry');
    }, delayMs);
    retryTimer.unref();
  }

  function run(trigger: string): Promise<RunReport> {
    if (!current) {
      current = execute(trigger).finally(() => {
        current = null;
      });
      return current;
    }
    queued ??= current.then(
      () => {
        queued = null;
        return run(trigger);
      },
      () => {
        queued = null;
        return run(trigger);
      },
    );
    return queued;
  }

  return {
    get running() {
      return current !== null;
    },
    run,
    start() {
      task = cron.schedule(deps.schedule, () => void run('schedule'), { timezone: deps.timeZone, name: 'digest' });
    },
    async stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      await task?.stop();
      await queued?.catch(() => undefined);
      await current?.catch(() => undefined);
    },
    nextRun: () => task?.getNextRun() ?? null,
    lastRun: () => last,
  };
}
