import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isTimeZone, lastSlotAt } from '../../src/jobs/weekly-schedule.ts';

const at = (iso: string) => new Date(iso);

describe('weekly slots', () => {
  it('finds the latest Monday 09:00 UTC at or before now', () => {
    const monday9 = { weekday: 1, hour: 9, timeZone: 'UTC' };
    assert.equal(lastSlotAt(at('2025-11-24T09:00:00Z'), monday9).toISOString(), '2025-11-24T09:00:00.000Z', 'exactly at the slot');
    assert.equal(lastSlotAt(at('2025-11-24T08:59:59Z'), monday9).toISOString(), '2025-11-17T09:00:00.000Z', 'a second before: last week');
    assert.equal(lastSlotAt(at('2025-11-27T15:00:00Z'), monday9).toISOString(), '2025-11-24T09:00:00.000Z', 'Thursday');
  });

  it('reads the weekday and hour in the server\'s time zone, half-hour zones included', () => {
    // Monday 09:00 in Shanghai (UTC+8) is Monday 01:00 UTC.
    assert.equal(lastSlotAt(at('2025-11-24T02:00:00Z'), { weekday: 1, hour: 9, timeZone: 'Asia/Shanghai' }).toISOString(), '2025-11-24T01:00:00.000Z');
    // Sunday 23:00 in Kolkata (UTC+5:30) is Sunday 17:30 UTC.
    assert.equal(lastSlotAt(at('2025-11-24T00:00:00Z'), { weekday: 0, hour: 23, timeZone: 'Asia/Kolkata' }).toISOString(), '2025-11-23T17:30:00.000Z');
    // Monday 09:00 in Los Angeles (UTC-8 in November) is Monday 17:00 UTC; at 16:00 UTC it is still last week's.
    assert.equal(lastSlotAt(at('2025-11-24T16:00:00Z'), { weekday: 1, hour: 9, timeZone: 'America/Los_Angeles' }).toISOString(), '2025-11-17T17:00:00.000Z');
  });

  it('follows daylight saving time', () => {
    // Europe/Berlin: Monday 09:00 is 07:00 UTC in summer (CEST) and 08:00 UTC in winter (CET).
    const slot = { weekday: 1, hour: 9, timeZone: 'Europe/Berlin' };
    assert.equal(lastSlotAt(at('2025-10-20T12:00:00Z'), slot).toISOString(), '2025-10-20T07:00:00.000Z');
    assert.equal(lastSlotAt(at('2025-10-27T12:00:00Z'), slot).toISOString(), '2025-10-27T08:00:00.000Z', 'the Monday after the change');
  });

  it('knows which time zones exist', () => {
    assert.equal(isTimeZone('Asia/Shanghai'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
  });
});
