/**
 * Delivery: drains the outbox. Each entry was stored under a deterministic id before anything was sent; it is
 * sent with a nonce derived from that id (`enforce_nonce`), so a retry after a crash returns the message Discord
 * already has instead of posting a duplicate, and it is marked sent only once Discord confirmed it.
 *
 * Order is kept per target (a thread's header before its papers); targets are served concurrently, since
 * Discord's limits are per channel. Transient failures are retried with backoff and then left pending for the
 * next run. A target that refuses (403/404) is reported to the injected {@link RefusalPolicy} (jobs/refusals.ts),
 * which decides what that means; its queued entries are given up or kept as it says, and nothing else stops.
 */
import { createHash } from 'node:crypto';
import type { RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { Problem } from '../i18n/problems.ts';
import type { Logger } from '../log.ts';
import { targetKeyOf, type DeliveryTarget, type OutboxEntry, type Stores } from '../store/index.ts';
import { classifyFailure, describeFailure, type DiscordPort } from './discord-port.ts';

/** What an outbox entry's `body` holds. */
export interface OutboxBody {
  message: RESTPostAPIChannelMessageJSONBody;
  /** Post inside the thread started on the message of outbox entry `headerId`. */
  thread?: { headerId: string; name: string };
}

/** Publisher settings. */
export interface PublisherOptions {
  /** Attempts per entry within one drain for transient failures. */
  attempts?: number;
  /** First backoff delay in ms (doubles each attempt). */
  backoffMs?: number;
  /**
   * Targets served at the same time. Discord allows a channel 5 messages per 5 s and the bot 50 a second: enough
   * targets must be under way that those waiting on their channel's limit leave the global rate used (≥ 50).
   */
  concurrency?: number;
}

/** What a drain did. */
export interface DrainReport {
  sent: number;
  failed: number;
  /** Entries still pending (transient failures) after the drain. */
  pending: number;
  /** Problems an admin should know about. */
  problems: Problem[];
}

/** A target that refuses the publisher's messages (403/404: access lost, channel deleted, DMs closed). */
export interface Refusal {
  target: DeliveryTarget;
  /** Discord's answer, as the outbox recorded it. */
  reason: string;
  /** The target's entries not sent in this drain, in order, the refused one first. */
  entries: readonly OutboxEntry[];
}

/** What became of a refusal. */
export interface RefusalDecision {
  /** True: the entries are given up (marked failed). False: they stay pending for the next run. */
  giveUp: boolean;
  problems: Problem[];
}

/** Decides what a refusal means (switch a channel off, pause subscriptions, tell the server): jobs/refusals.ts. */
export interface RefusalPolicy {
  onRefused(refusal: Refusal): Promise<RefusalDecision>;
}

/** What the publisher needs. */
export interface PublisherDeps {
  stores: Stores;
  discord: DiscordPort;
  log: Logger;
  /** Consulted on every refusal; the publisher itself only sends and reports. */
  refusals: RefusalPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Counts for /metrics. */
  observe?: (event: 'sent' | 'failed' | 'retry') => void;
  /**
   * Asked before each send when several processes share the store: false once this process has lost the job lease,
   * so a process that was paused past its lease never keeps sending on stale authority.
   */
  fence?: () => Promise<boolean>;
}

/** An entry that can never be sent because one it depends on (a thread's header) failed. */
class DependencyFailed extends Error {
  override name = 'DependencyFailed';
}

/** Digest posts (not subscription deliveries) stop when their channel is removed or switched off. */
const isDigestPost = (entry: OutboxEntry) => entry.id.startsWith('digest:') || entry.id.startsWith('notice:');

/** The server and channel or user a problem about a target concerns. */
function scopeOf(target: DeliveryTarget): Pick<Problem, 'guildId' | 'channelId' | 'userId'> {
  return target.kind === 'channel' ? { guildId: target.guildId, channelId: target.channelId } : { guildId: target.guildId, userId: target.userId };
}

/** Discord's nonce is at most 25 characters; derive it from the entry id so every retry carries the same one. */
export function nonceFor(entryId: string): string {
  return createHash('sha256').update(entryId).digest('base64url').slice(0, 25);
}

/**
 * Entries planned while a drain runs (issue 18: a channel's first message need not wait for the thousandth
 * channel's plan). The planner pushes the ids of each batch it put in the outbox; the drain sends them as they
 * come, in order per target, and finishes once the feed is closed and everything is sent.
 */
export interface DeliveryFeed {
  /** Ids just enqueued. */
  push(ids: readonly string[]): void;
  /** No more ids will come. */
  close(): void;
  /** The drain's side: receives every id pushed (those pushed before it subscribed too). */
  subscribe(listener: (ids: readonly string[]) => void): void;
  /** Resolves once `close()` was called. */
  readonly closed: Promise<void>;
}

/** A feed that buffers ids until the drain subscribes. */
export function createDeliveryFeed(): DeliveryFeed {
  let listener: ((ids: readonly string[]) => void) | null = null;
  const buffered: string[] = [];
  let close!: () => void;
  const closed = new Promise<void>((resolve) => (close = resolve));
  return {
    push(ids) {
      if (listener) listener(ids);
      else buffered.push(...ids);
    },
    close: () => close(),
    subscribe(fn) {
      listener = fn;
      if (buffered.length) fn(buffered.splice(0));
    },
    closed,
  };
}

/** The outbox worker. */
export interface Publisher {
  /**
   * Sends every pending entry it can, and with a `feed` also the entries pushed to it until it is closed; resolves
   * when done. Concurrent calls share one drain (a call with a feed runs after the one under way).
   */
  drain(feed?: DeliveryFeed): Promise<DrainReport>;
}

/** Creates the publisher. */
export function createPublisher(deps: PublisherDeps, options: PublisherOptions = {}): Publisher {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const concurrency = options.concurrency ?? 128;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { stores, discord, log } = deps;
  const dmChannels = new Map<string, string>();
  /** Thread ids by header entry: one start per thread (after a restart, Discord's 160004 gives it back). */
  const threads = new Map<string, string>();
  let running: Promise<DrainReport> | null = null;

  async function channelOf(entry: OutboxEntry): Promise<string> {
    const body = entry.body as OutboxBody;
    if (body.thread) {
      const known = threads.get(body.thread.headerId);
      if (known) return known;
      const header = await stores.outbox.get(body.thread.headerId);
      // The header was given up on: its thread will never exist, so these messages cannot be delivered either.
      if (!header || header.state === 'failed') throw new DependencyFailed(`the thread's header message could not be posted (${header?.lastError ?? 'missing'})`);
      if (!header.messageId) throw new Error(`thread header ${body.thread.headerId} not sent yet`);
      const parent = entry.target.kind === 'channel' ? entry.target.channelId : await dmOf(entry.target.userId);
      const thread = await discord.startThread(parent, header.messageId, body.thread.name);
      threads.set(body.thread.headerId, thread);
      return thread;
    }
    if (entry.target.kind === 'channel') return entry.target.channelId;
    return dmOf(entry.target.userId);
  }

  async function dmOf(userId: string): Promise<string> {
    let channel = dmChannels.get(userId);
    if (!channel) {
      channel = await discord.openDm(userId);
      dmChannels.set(userId, channel);
    }
    return channel;
  }

  /** Sends one entry, retrying transient failures; returns how it ended. */
  async function sendOne(entry: OutboxEntry): Promise<'sent' | 'target' | 'request' | 'transient' | 'fenced'> {
    for (let attempt = 1; ; attempt++) {
      if (deps.fence) {
        // A store blip is not a lost lease: retry it like any transient failure, and only stop when it really moved.
        const held = await deps.fence().catch((error: unknown) => error as Error);
        if (held instanceof Error) {
          log.warn({ err: held }, 'could not check the job lease before sending');
          return 'transient';
        }
        if (!held) return 'fenced';
      }
      try {
        const channelId = await channelOf(entry);
        const message = await discord.createMessage(channelId, (entry.body as OutboxBody).message, nonceFor(entry.id));
        await stores.outbox.markSent(entry.id, message.id);
        deps.observe?.('sent');
        return 'sent';
      } catch (error) {
        const kind = error instanceof DependencyFailed ? 'request' : classifyFailure(error);
        const reason = describeFailure(error);
        if (kind !== 'transient') {
          log.warn({ entry: entry.id, target: targetKeyOf(entry.target), reason }, 'Discord refused an outbox message');
          if (kind === 'request') {
            await stores.outbox.markFailed(entry.id, reason);
            deps.observe?.('failed');
          } else {
            await stores.outbox.recordAttempt(entry.id, reason);
          }
          return kind;
        }
        await stores.outbox.recordAttempt(entry.id, reason);
        deps.observe?.('retry');
        if (attempt >= attempts) {
          log.warn({ entry: entry.id, reason, attempts: attempt }, 'outbox message left pending for the next run');
          return 'transient';
        }
        await sleep(backoffMs * 2 ** (attempt - 1));
      }
    }
  }

  /** A target refused us: the refusal policy decides what that means, and its entries follow the decision. */
  async function refused(entries: OutboxEntry[], report: DrainReport): Promise<void> {
    const first = entries[0];
    if (!first) return;
    const reason = (await stores.outbox.get(first.id))?.lastError ?? 'refused';
    const decision = await deps.refusals.onRefused({ target: first.target, reason, entries });
    report.problems.push(...decision.problems);
    if (!decision.giveUp) {
      report.pending += entries.length;
      return;
    }
    for (const entry of entries) {
      await stores.outbox.markFailed(entry.id, reason);
      deps.observe?.('failed');
    }
    report.failed += entries.length;
  }

  async function drainOnce(feed?: DeliveryFeed): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, pending: 0, problems: [] };
    // Per target, one live queue: a worker sends it in order while the planner may still append to it.
    const queues = new Map<string, OutboxEntry[]>();
    const ready: OutboxEntry[][] = [];
    const seen = new Set<string>();
    // Targets that stopped for this drain (transient failure, refusal): what arrives for them later waits too.
    const halted = new Set<string>();
    let stopped = false;
    let open = feed !== undefined;
    let wake!: () => void;
    let signal = new Promise<void>((resolve) => (wake = resolve));
    const notify = () => {
      const resolve = wake;
      signal = new Promise<void>((r) => (wake = r));
      resolve();
    };
    const add = (entries: readonly OutboxEntry[]) => {
      for (const entry of entries) {
        if (entry.state !== 'pending' || seen.has(entry.id)) continue;
        seen.add(entry.id);
        const key = targetKeyOf(entry.target);
        if (stopped || halted.has(key)) {
          report.pending += 1;
          continue;
        }
        const queue = queues.get(key);
        if (queue) queue.push(entry);
        else {
          const fresh = [entry];
          queues.set(key, fresh);
          ready.push(fresh);
        }
      }
      notify();
    };
    add(await stores.outbox.pending());
    if (feed) {
      let loading = Promise.resolve();
      feed.subscribe((ids) => {
        loading = loading.then(async () => {
          try {
            add(await stores.outbox.getMany(ids));
          } catch (error) {
            // They are in the outbox: the next drain sends them.
            log.warn({ err: error, entries: ids.length }, 'could not read newly planned entries; they wait for the next delivery');
            report.problems.push({ key: 'problem.deliveryFailed', params: { reason: (error as Error).message } });
          }
        });
      });
      void feed.closed.then(async () => {
        await loading;
        // A last look at the outbox: entries planned by a path that does not feed (weekly posts, another process
        // during a lease overlap) go out in this drain too.
        try {
          add(await stores.outbox.pending());
        } catch (error) {
          log.warn({ err: error }, 'could not re-read the outbox at the end of planning; what is pending waits for the next delivery');
        }
        open = false;
        notify();
      });
    }

    /** Sends one target's queue in order; stops it at a refusal, a transient failure or a lost lease. */
    async function sendQueue(queue: OutboxEntry[]): Promise<void> {
      const first = queue[0];
      if (!first) return;
      const key = targetKeyOf(first.target);
      // A channel removed (or switched off) since these posts were planned gets none of them.
      if (first.target.kind === 'channel' && queue.some(isDigestPost)) {
        const channel = await stores.channels.get(first.target.channelId);
        if (!channel || channel.disabled) {
          const dropped = queue.filter(isDigestPost);
          for (const entry of dropped) await stores.outbox.markFailed(entry.id, channel ? 'channel switched off' : 'channel no longer receives the digest');
          report.failed += dropped.length;
          const rest = queue.filter((e) => !isDigestPost(e));
          queue.splice(0, queue.length, ...rest);
        }
      }
      for (let i = 0; i < queue.length; i++) {
        if (stopped) {
          report.pending += queue.length - i;
          break;
        }
        const entry = queue[i] as OutboxEntry;
        const outcome = await sendOne(entry);
        if (outcome === 'sent') {
          report.sent += 1;
          if (i === 0 && entry.target.kind === 'channel') await resetFailures(entry.target.channelId);
        } else if (outcome === 'request') {
          report.failed += 1;
          report.problems.push({ key: 'problem.messageRejected', ...scopeOf(entry.target) });
        } else if (outcome === 'target') {
          // Close the queue before waiting on the store, so nothing planned meanwhile slips in after the refusal.
          halted.add(key);
          queues.delete(key);
          await refused(queue.slice(i), report);
          return;
        } else if (outcome === 'fenced') {
          report.pending += queue.length - i;
          report.problems.push({ key: 'problem.fenced' });
          stopped = true;
          ready.length = 0;
          break;
        } else {
          report.pending += queue.length - i;
          halted.add(key);
          break;
        }
      }
      queues.delete(key);
    }

    const worker = async () => {
      for (;;) {
        if (stopped) return;
        const queue = ready.shift();
        if (queue) await sendQueue(queue);
        else if (open) await signal;
        else return;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return report;
  }

  async function resetFailures(channelId: string): Promise<void> {
    const channel = await stores.channels.get(channelId);
    if (channel && channel.failures > 0) await stores.channels.update(channelId, (c) => ({ ...c, failures: 0 }));
  }

  function drain(feed?: DeliveryFeed): Promise<DrainReport> {
    // A drain with a feed must see that feed's entries: it runs after the drain under way rather than joining it.
    if (running && feed) return running.catch(() => undefined).then(() => drain(feed));
    running ??= drainOnce(feed).finally(() => {
      running = null;
    });
    return running;
  }

  return { drain };
}
