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
  /** Targets served at the same time (Discord limits per channel; discord.js queues the global limit). */
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

/** The outbox worker. */
export interface Publisher {
  /** Sends every pending entry it can; resolves when done. Concurrent calls share one drain. */
  drain(): Promise<DrainReport>;
}

/** Creates the publisher. */
export function createPublisher(deps: PublisherDeps, options: PublisherOptions = {}): Publisher {
  const attempts = options.attempts ?? 3;
  const backoffMs = options.backoffMs ?? 1000;
  const concurrency = options.concurrency ?? 32;
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

  async function drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, pending: 0, problems: [] };
    const pending = await stores.outbox.pending();
    const byTarget = new Map<string, OutboxEntry[]>();
    for (const entry of pending) {
      const key = targetKeyOf(entry.target);
      byTarget.set(key, [...(byTarget.get(key) ?? []), entry]);
    }
    // A channel removed (or switched off) since these posts were planned gets none of them.
    for (const [key, queue] of byTarget) {
      const first = queue[0];
      if (!first || first.target.kind !== 'channel' || !queue.some(isDigestPost)) continue;
      const channel = await stores.channels.get(first.target.channelId);
      if (channel && !channel.disabled) continue;
      const dropped = queue.filter(isDigestPost);
      for (const entry of dropped) await stores.outbox.markFailed(entry.id, channel ? 'channel switched off' : 'channel no longer receives the digest');
      report.failed += dropped.length;
      const rest = queue.filter((e) => !isDigestPost(e));
      if (rest.length) byTarget.set(key, rest);
      else byTarget.delete(key);
    }
    const queues = [...byTarget.values()];
    const workers = Array.from({ length: Math.min(concurrency, queues.length) }, async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (let i = 0; i < queue.length; i++) {
          const entry = queue[i] as OutboxEntry;
          const outcome = await sendOne(entry);
          if (outcome === 'sent') {
            report.sent += 1;
            if (i === 0 && entry.target.kind === 'channel') await resetFailures(entry.target.channelId);
          } else if (outcome === 'request') {
            report.failed += 1;
            report.problems.push({ key: 'problem.messageRejected', ...scopeOf(entry.target) });
          } else if (outcome === 'target') {
            await refused(queue.slice(i), report);
            break;
          } else if (outcome === 'fenced') {
            report.pending += queue.length - i;
            report.problems.push({ key: 'problem.fenced' });
            queues.length = 0;
            break;
          } else {
            report.pending += queue.length - i;
            break;
          }
        }
      }
    });
    await Promise.all(workers);
    return report;
  }

  async function resetFailures(channelId: string): Promise<void> {
    const channel = await stores.channels.get(channelId);
    if (channel && channel.failures > 0) await stores.channels.update(channelId, (c) => ({ ...c, failures: 0 }));
  }

  return {
    drain() {
      running ??= drainOnce().finally(() => {
        running = null;
      });
      return running;
    },
  };
}
