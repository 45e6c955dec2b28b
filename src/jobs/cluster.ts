/**
 * Several bot processes on one Redis store (Discord sharding): each answers its own guilds' interactions, while the
 * scheduled job and the outbox run on exactly one of them — the holder of the Redis lease. This module keeps the
 * lease, hands `/digest run` from any process to the holder, and keeps every process's search index in step with
 * papers the holder ingests (Redis pub/sub, with a periodic revision check for anything missed).
 */
import { randomUUID } from 'node:crypto';
import type { Archive, RevisionRange } from '../archive.ts';
import type { Paper } from '../digest/types.ts';
import { asProblem } from '../i18n/problems.ts';
import type { Logger } from '../log.ts';
import { asStoreError, type RedisClient } from '../store/index.ts';
import type { Lease } from './lease.ts';
import type { DigestRunner, RunReport } from './runner.ts';

type ControlMessage =
  | { kind: 'run'; id: string; trigger: string; from: string }
  | { kind: 'accepted'; id: string }
  | { kind: 'done'; id: string; report: RunReport }
  | { kind: 'papers'; from: string; ids: string[]; range: RevisionRange };

/** The cluster seen from one process. */
export interface Cluster {
  /** The runner the app uses: runs here when this process holds the job, else on the holder. */
  runner: DigestRunner;
  /** True while this process holds the job lease. */
  isLeader(): boolean;
  /** Tells the other processes about papers this process stored (and which store revisions that spans). */
  announcePapers(papers: readonly Paper[], range: RevisionRange | undefined): Promise<void>;
  start(): Promise<void>;
  /** Stops, and releases the lease so another process takes over at once. */
  stop(): Promise<void>;
}

/** What the cluster needs. `inner` is this process's runner, gated by the same lease. */
export interface ClusterDeps {
  redis: RedisClient;
  prefix: string;
  owner: string;
  lease: Lease;
  inner: DigestRunner;
  archive: Archive;
  log: Logger;
  /** How often a follower checks the store's revision against its index (a missed announcement). */
  refreshEveryMs?: number;
  /** How long `/digest run` on a follower waits for the holder to accept the request. */
  acceptTimeoutMs?: number;
}

/** Joins the cluster (call `start()`). */
export function createCluster(deps: ClusterDeps): Cluster {
  const { redis, lease, inner, log } = deps;
  const channel = `${deps.prefix}:control`;
  // The subscriber is a second connection: `duplicate()` copies the options (reconnect strategy) but not the
  // listeners, and a node-redis client without an 'error' listener crashes the process when Redis goes away.
  // It reconnects and re-subscribes by itself; announcements missed meanwhile are caught by the revision check.
  const subscriber = redis.duplicate();
  let subscriberDown = false;
  subscriber.on('error', (error: unknown) => {
    if (!subscriberDown) log.warn({ err: error }, 'cluster channel lost its connection; reconnecting');
    subscriberDown = true;
  });
  subscriber.on('ready', () => {
    if (subscriberDown) log.info('cluster channel reconnected');
    subscriberDown = false;
  });
  const waiters = new Set<(message: ControlMessage) => void>();
  let leader = false;
  let leaseTimer: NodeJS.Timeout | null = null;
  let refreshTimer: NodeJS.Timeout | null = null;

  const publish = async (message: ControlMessage) => {
    try {
      return await redis.publish(channel, JSON.stringify(message));
    } catch (error) {
      throw asStoreError(error, 'a cluster message');
    }
  };

  function waitFor<T extends ControlMessage>(match: (m: ControlMessage) => m is T, timeoutMs: number): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiters.delete(listener);
        resolve(null);
      }, timeoutMs);
      const listener = (message: ControlMessage) => {
        if (!match(message)) return;
        clearTimeout(timer);
        waiters.delete(listener);
        resolve(message);
      };
      waiters.add(listener);
    });
  }

  async function onMessage(raw: string): Promise<void> {
    let message: ControlMessage;
    try {
      message = JSON.parse(raw) as ControlMessage;
    } catch {
      return;
    }
    for (const waiter of [...waiters]) waiter(message);
    if (message.kind === 'run' && message.from !== deps.owner && leader) {
      await publish({ kind: 'accepted', id: message.id });
      const report = await inner.run(message.trigger);
      await publish({ kind: 'done', id: message.id, report });
    } else if (message.kind === 'papers' && message.from !== deps.owner) {
      const papers = (await deps.archive.stores.papers.getMany(message.ids)).filter((p): p is Paper => p !== undefined);
      if (await deps.archive.indexPapers(papers, message.range)) {
        log.debug({ papers: papers.length }, 'indexed papers another process ingested');
      } else {
        // The announcement does not follow on from what this index covers (one was missed): catch up.
        const outcome = await deps.archive.refresh();
        if (outcome !== 'current') log.info({ outcome }, 'search index caught up: an announcement was missed');
      }
    }
  }

  async function tickLease(): Promise<void> {
    const token = await lease.acquire().catch((error: unknown) => {
      log.warn({ err: error }, 'could not renew the job lease');
      return null;
    });
    const wasLeader = leader;
    leader = token !== null;
    if (leader && !wasLeader) {
      log.info({ token }, 'job lease taken: this process runs the schedule and the outbox');
      // Resume whatever the previous holder left in the outbox, and catch up on anything due.
      void inner.run('takeover');
    } else if (!leader && wasLeader) {
      log.warn('job lease lost: another process runs the schedule now');
    }
  }

  const runner: DigestRunner = {
    get running() {
      return inner.running;
    },
    start: () => inner.start(),
    stop: () => inner.stop(),
    nextRun: () => inner.nextRun(),
    lastRun: () => inner.lastRun(),
    async run(trigger) {
      if ((await lease.acquire().catch(() => null)) !== null) return inner.run(trigger);
      const id = randomUUID();
      const accepted = waitFor((m): m is Extract<ControlMessage, { kind: 'accepted' }> => m.kind === 'accepted' && m.id === id, deps.acceptTimeoutMs ?? 3000);
      const done = waitFor((m): m is Extract<ControlMessage, { kind: 'done' }> => m.kind === 'done' && m.id === id, 15 * 60_000);
      await publish({ kind: 'run', id, trigger, from: deps.owner });
      const startedAt = new Date();
      if (!(await accepted)) {
        return {
          trigger, startedAt, seconds: 0, filesChanged: 0, newPapers: 0, messagesPlanned: 0, messagesSent: 0, skipped: true,
          problems: [{ key: 'problem.runNotAccepted' }],
        };
      }
      const message = await done;
      if (!message) return { trigger, startedAt, seconds: 0, filesChanged: 0, newPapers: 0, messagesPlanned: 0, messagesSent: 0, problems: [{ key: 'problem.runTimeout' }] };
      // Over the wire the date is a string, and a process of an older release reports its problems as sentences.
      return { ...message.report, startedAt: new Date(message.report.startedAt), problems: (message.report.problems ?? []).map(asProblem) };
    },
  };

  return {
    runner,
    isLeader: () => leader,
    async announcePapers(papers, range) {
      if (papers.length === 0 || !range) return;
      // The papers are stored already: a lost announcement only delays the others, whose revision check catches up.
      await publish({ kind: 'papers', from: deps.owner, ids: papers.map((p) => p.id), range }).catch((error: unknown) =>
        log.warn({ err: error }, 'could not announce new papers; the other processes will find them on their next check'),
      );
    },
    async start() {
      await subscriber.connect();
      await subscriber.subscribe(channel, (raw: string) => {
        onMessage(raw).catch((error: unknown) => log.warn({ err: error }, 'cluster message failed'));
      });
      await tickLease();
      leaseTimer = setInterval(() => void tickLease(), Math.max(200, Math.floor(lease.ttlMs / 3)));
      refreshTimer = setInterval(() => {
        if (leader) return;
        deps.archive.refresh().then(
          (outcome) => outcome !== 'current' && log.info({ outcome }, 'search index caught up: the store changed without an announcement'),
          (error: unknown) => log.warn({ err: error }, 'search index refresh failed'),
        );
      }, deps.refreshEveryMs ?? 60_000);
      leaseTimer.unref();
      refreshTimer.unref();
    },
    async stop() {
      if (leaseTimer) clearInterval(leaseTimer);
      if (refreshTimer) clearInterval(refreshTimer);
      await inner.stop();
      await lease.release().catch(() => undefined);
      leader = false;
      await subscriber.quit().catch(() => undefined);
    },
  };
}
