/**
 * The global-limit pacer (issue 18): requests leave one at a time, evenly spaced under the limit; a timer that fires
 * late delays what follows rather than letting a burst out; interaction callbacks are never held back.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPacer, pacedRequest } from '../../src/discord/pacer.ts';

/** A manual clock: `sleep` parks until `advance` moves time past its deadline, plus `late` ms of lateness. */
function fakeClock() {
  let now = 0;
  let late = 0;
  const sleepers: { until: number; wake: () => void }[] = [];
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((wake) => sleepers.push({ until: now + ms, wake })),
    /** Timers fire this many ms after their deadline from now on (a busy event loop). */
    setLateness(ms: number) {
      late = ms;
    },
    async advance(ms: number) {
      const end = now + ms;
      for (;;) {
        await settle();
        sleepers.sort((a, b) => a.until - b.until);
        const next = sleepers[0];
        if (!next || next.until + late > end) break;
        sleepers.shift();
        now = Math.max(now, next.until + late);
        next.wake();
      }
      now = end;
      await settle();
    },
  };
}

it('releases requests in order on an even schedule, never more than the limit in any window', async () => {
  const clock = fakeClock();
  const pacer = createPacer(clock, { limit: 50, windowMs: 1000 });
  const released: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < 400; i++) {
    void pacer.take().then((answered) => {
      released.push(clock.now());
      order.push(i);
      answered();
    });
  }
  await clock.advance(1000);
  assert.deepEqual(order, Array.from({ length: order.length }, (_, i) => i), 'first come, first served');
  assert.ok(released.length >= 49 && released.length <= 51, `about 50 in the first second (got ${released.length})`);
  for (let i = 1; i < released.length; i++) assert.ok((released[i] ?? 0) - (released[i - 1] ?? 0) >= 20, `evenly spaced, not a burst (gap ${i})`);
  // A busy event loop: every timer fires 35 ms late. The slots are caught up, the window still holds.
  clock.setLateness(35);
  await clock.advance(6000);
  const window = (start: number) => released.filter((t) => t >= start && t < start + 1000).length;
  for (const start of released) assert.ok(window(start) <= 50, `${window(start)} requests in the second from ${start} ms`);
  assert.ok(released.length >= 340, `the rate holds under late timers: ${released.length} of 350 in 7 s`);
});

it('counts a request until its answer came: a slow answer holds its slot', async () => {
  const clock = fakeClock();
  const pacer = createPacer(clock, { limit: 2, windowMs: 1000 });
  const answers: (() => void)[] = [];
  let released = 0;
  for (let i = 0; i < 3; i++) void pacer.take().then((answered) => (released++, answers.push(answered)));
  await clock.advance(5000);
  assert.equal(released, 2, 'both slots are held while their requests are in flight');
  answers[0]?.();
  await clock.advance(999);
  assert.equal(released, 2, 'an answered request still counts for a window after its answer');
  await clock.advance(1);
  assert.equal(released, 3);
});

it('holds back messages but not interaction callbacks or webhooks', async () => {
  const clock = fakeClock();
  const pacer = createPacer(clock, { limit: 1, windowMs: 1000 });
  const sent: string[] = [];
  const request = pacedRequest(pacer, async (url: string, _init: unknown) => {
    sent.push(new URL(url).pathname);
    return 'ok';
  });
  await request('http://127.0.0.1:1/api/v10/channels/1/messages', {});
  void request('http://127.0.0.1:1/api/v10/channels/1/messages', {});
  await clock.advance(10);
  await request('http://127.0.0.1:1/api/v10/interactions/9/tok/callback', {});
  await request('http://127.0.0.1:1/api/v10/webhooks/7/tok', {});
  assert.deepEqual(sent, ['/api/v10/channels/1/messages', '/api/v10/interactions/9/tok/callback', '/api/v10/webhooks/7/tok']);
  await clock.advance(1000);
  assert.equal(sent.length, 4, 'the second message went once its slot came');
});
