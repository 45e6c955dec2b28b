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

it('releases requests in order, at least 1000/perSecond ms apart, never in a burst', async () => {
  const clock = fakeClock();
  const pacer = createPacer(clock, 50);
  const released: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < 120; i++) void pacer.take().then(() => (released.push(clock.now()), order.push(i)));
  await clock.advance(1000);
  assert.deepEqual(order, Array.from({ length: order.length }, (_, i) => i), 'first come, first served');
  assert.ok(released.length >= 49 && released.length <= 51, `about 50 in the first second (got ${released.length})`);
  clock.setLateness(55);
  await clock.advance(2000);
  for (let i = 1; i < released.length; i++) {
    assert.ok((released[i] ?? 0) - (released[i - 1] ?? 0) >= 20, `gap ${i} is ${(released[i] ?? 0) - (released[i - 1] ?? 0)} ms`);
  }
  // Within any one-second window, never more than the limit.
  for (const start of released) assert.ok(released.filter((t) => t >= start && t < start + 1000).length <= 50);
});

it('holds back messages but not interaction callbacks or webhooks', async () => {
  const clock = fakeClock();
  const pacer = createPacer(clock, 1);
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
