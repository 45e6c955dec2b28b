/**
 * Plans each server's weekly most-saved post into the outbox, once per week: the entry id names the server and
 * the week's slot, and the outbox never overwrites an entry, so a crash between enqueueing and recording the week
 * (or two runs racing) still sends one message; the publisher's nonce makes the send itself exactly once.
 */
import type { MessageBody } from '../discord/messages.ts';
import type { OutboxBody } from '../discord/publisher.ts';
import { weeklyMessage } from '../discord/weekly-message.ts';
import type { Logger } from '../log.ts';
import type { Stores, WeeklyRecord } from '../store/index.ts';
import { lastSlotAt } from './weekly-schedule.ts';

/** Papers a weekly post lists. */
export const WEEKLY_TOP = 10;
const WEEK_MS = 7 * 86_400_000;

/** The slot a weekly post is planned for next time: the current one, so turning it on posts from the next slot. */
export function currentSlot(record: Pick<WeeklyRecord, 'weekday' | 'hour' | 'timeZone'>, now: Date): Date {
  return lastSlotAt(now, record);
}

/** Plans every weekly post that is due; returns how many messages were planned. */
export async function planWeekly(deps: { stores: Pick<Stores, 'weekly' | 'saved' | 'papers' | 'outbox'>; now: () => Date; log: Logger }): Promise<number> {
  const { stores, log } = deps;
  const now = deps.now();
  let planned = 0;
  for (const record of await stores.weekly.list()) {
    let slot: Date;
    try {
      slot = lastSlotAt(now, record);
    } catch (error) {
      log.warn({ err: error, guildId: record.guildId, timeZone: record.timeZone }, 'weekly post: bad schedule; skipped');
      continue;
    }
    if (record.lastPlannedFor !== null && Date.parse(record.lastPlannedFor) >= slot.getTime()) continue;
    const from = new Date(slot.getTime() - WEEK_MS);
    const counts = (await stores.saved.mostSaved(record.guildId, from, slot)).slice(0, WEEKLY_TOP * 2);
    const papers = await stores.papers.getMany(counts.map((c) => c.paperId));
    const entries = counts.flatMap((c, i) => (papers[i] ? [{ paper: papers[i], count: c.count }] : [])).slice(0, WEEKLY_TOP);
    if (entries.length > 0) {
      const message: MessageBody = weeklyMessage(entries, { from, to: slot, locale: record.locale });
      const body: OutboxBody = { message };
      // No paper ids: a weekly post must not count as delivering those papers to the channel's digest.
      await stores.outbox.enqueueMany([{ id: `weekly:${record.guildId}:${slot.toISOString()}`, target: { kind: 'channel', channelId: record.channelId, guildId: record.guildId }, body, paperIds: [] }]);
      planned++;
    } else {
      log.info({ guildId: record.guildId, week: slot.toISOString() }, 'weekly post: nothing was saved this week; nothing posted');
    }
    // Recorded after the enqueue: a crash in between re-plans the same entry id, which the outbox keeps once.
    const latest = await stores.weekly.get(record.guildId);
    if (latest && latest.channelId === record.channelId) await stores.weekly.put({ ...latest, lastPlannedFor: slot.toISOString() });
  }
  return planned;
}
