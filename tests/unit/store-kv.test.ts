/** The key/value layer on its own: decoding, retries, error codes, URL redaction, the mutex, paper merging. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Keyv from 'keyv';
import { z } from 'zod';
import { numberedPaper } from '../helpers/papers.ts';
import { redactUrl } from '../../src/store/backends.ts';
import { StoreUnavailableError, errorCode, isTransient } from '../../src/store/errors.ts';
import type { StoreLogger } from '../../src/store/kv.ts';
import { decodeValue, deserializeValue, keyvKv, serializeValue } from '../../src/store/kv.ts';
import { KeyedMutex } from '../../src/store/mutex.ts';
import { mergePaper } from '../../src/store/papers.ts';

function capture(): { log: StoreLogger; warnings: Record<string, unknown>[] } {
  const warnings: Record<string, unknown>[] = [];
  return { log: { warn: (obj) => warnings.push(obj) }, warnings };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });

/** A Map-backed Keyv whose store fails the next `failures` calls with `error`. */
function flakyKeyv(failures: number, error: () => Error = refused) {
  const map = new Map<string, unknown>();
  let left = failures;
  let calls = 0;
  const gate = () => {
    calls++;
    if (left > 0) {
      left--;
      throw error();
    }
  };
  const store = {
    get: async (k: string) => (gate(), map.get(k)),
    set: async (k: string, v: unknown) => (gate(), void map.set(k, v)),
    delete: async (k: string) => (gate(), map.delete(k)),
    clear: async () => (gate(), map.clear()),
  };
  const keyv = new Keyv({ store, serialize: serializeValue, deserialize: deserializeValue, throwOnErrors: true });
  return { keyv, calls: () => calls };
}

const noSleep = async () => {};

describe('store key/value layer', () => {
  it('turns corrupt text into a value the schema rejects, and reports it', () => {
    const { log, warnings } = capture();
    const raw = deserializeValue('{"value": not json').value;
    assert.deepEqual(raw, { undecodable: '{"value": not json' });
    assert.deepEqual(deserializeValue('[1,2]').value, { undecodable: '[1,2]' });
    assert.deepEqual(deserializeValue(serializeValue({ value: { a: 1 } })).value, { a: 1 });
    assert.equal(decodeValue(z.object({ a: z.number() }), 'k1', raw, log), undefined);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]?.key, 'k1');
    assert.deepEqual(decodeValue(z.object({ a: z.number() }), 'k2', { a: 1 }, log), { a: 1 });
    assert.equal(decodeValue(z.object({ a: z.number() }), 'k3', undefined, log), undefined);
    assert.equal(warnings.length, 1, 'a missing value is not a warning');
  });

  it('retries connection errors with backoff, then lands the write', async () => {
    const { keyv, calls } = flakyKeyv(3);
    const { log, warnings } = capture();
    const kv = keyvKv(keyv, { backend: 'test://', log, sleep: noSleep });
    await kv.set('a', { x: 1 });
    assert.equal(calls(), 4);
    assert.equal(warnings.length, 3);
    assert.deepEqual(await kv.get('a'), { x: 1 });
  });

  it('gives up after the bounded retries with an error the caller can act on', async () => {
    const { keyv, calls } = flakyKeyv(100);
    const delays: number[] = [];
    const kv = keyvKv(keyv, {
      backend: 'redis://127.0.0.1:6379',
      retry: { retries: 4, baseDelayMs: 100, maxDelayMs: 400 },
      sleep: async (ms) => void delays.push(ms),
    });
    await assert.rejects(kv.setMany([{ key: 'a', value: 1 }]), (error: unknown) => {
      assert.ok(error instanceof StoreUnavailableError);
      assert.equal(error.code, 'ECONNREFUSED');
      assert.match(error.message, /^store redis:\/\/127\.0\.0\.1:6379 unavailable during setMany: ECONNREFUSED/);
      return true;
    });
    assert.equal(calls(), 5);
    assert.equal(delays.length, 4);
    assert.ok(delays.every((d, i) => d <= 400 * 1.25 && (i === 0 || d >= delays[0]! * 0.5)));
  });

  it('does not retry errors that retrying cannot fix', async () => {
    const { keyv, calls } = flakyKeyv(1, () => new Error('value too long for type character varying(255)'));
    const kv = keyvKv(keyv, { backend: 'x', sleep: noSleep });
    await assert.rejects(kv.set('a', 1), /character varying/);
    assert.equal(calls(), 1);
  });

  it('finds the short cause in driver errors', () => {
    assert.equal(errorCode(refused()), 'ECONNREFUSED');
    assert.equal(errorCode(new AggregateError([refused(), refused()], '')), 'ECONNREFUSED');
    const wrapped = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6399'), { name: 'ReconnectStrategyError' });
    assert.equal(errorCode(wrapped), 'ECONNREFUSED');
    assert.equal(errorCode(Object.assign(new Error('database "x" does not exist'), { code: '3D000' })), '3D000');
    assert.equal(isTransient(Object.assign(new Error('Connection terminated unexpectedly'), {})), true);
    assert.equal(isTransient(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' })), true);
    assert.equal(isTransient(new Error('syntax error')), false);
  });

  it('redacts credentials from store URLs', () => {
    assert.equal(redactUrl('redis://user:s3cret@127.0.0.1:6379/0'), 'redis://***:***@127.0.0.1:6379/0');
    assert.equal(redactUrl('redis://:s3cret@127.0.0.1:6379'), 'redis://:***@127.0.0.1:6379');
    assert.equal(redactUrl('postgresql://bot@db/test?password=pw'), 'postgresql://***@db/test?password=***');
    assert.equal(redactUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
    assert.equal(redactUrl('sqlite://data/x.sqlite'), 'sqlite://data/x.sqlite');
  });
});

describe('KeyedMutex', () => {
  it('serialises work per key and keeps going after a failure', async () => {
    const mutex = new KeyedMutex();
    const order: string[] = [];
    const step = (key: string, name: string, ms: number, fail = false) =>
      mutex.run(key, async () => {
        order.push(`${name}>`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`<${name}`);
        if (fail) throw new Error(name);
      });
    await Promise.allSettled([step('a', 'a1', 20, true), step('a', 'a2', 1), step('b', 'b1', 5)]);
    assert.deepEqual(order.filter((s) => s.includes('a')), ['a1>', '<a1', 'a2>', '<a2']);
    assert.ok(order.indexOf('b1>') < order.indexOf('<a1'), 'other keys run in parallel');
  });
});

describe('mergePaper', () => {
  const base = numberedPaper(1, { date: '2025-11-20', title: 't', authors: [], pdfUrl: 'p1', url: 'u1' });
  it('keeps date and source, fills gaps, takes links only from a newer version', () => {
    const seen = { ...base, date: '2025-11-21', source: 'x', titleOriginal: 'T', authors: ['A'], pdfUrl: 'p0' };
    assert.deepEqual(mergePaper(base, seen), { ...base, titleOriginal: 'T', authors: ['A'] });
    assert.deepEqual(mergePaper(base, { ...base, version: 3, pdfUrl: 'p3' }), { ...base, version: 3, pdfUrl: 'p3' });
    assert.deepEqual(mergePaper({ ...base, date: null }, seen).date, '2025-11-21');
    assert.deepEqual(mergePaper(base, base), base);
  });
});
