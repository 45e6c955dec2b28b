import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/log.ts';

describe('logging', () => {
  it('never writes the token, however deeply it is nested, and keeps error details', () => {
    const token = 'MTIzNDU2Nzg5MDEy.Gabcde.secret-token-value';
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = createLogger({ level: 'info', secrets: [token], destination });
    const error = Object.assign(new Error(`login failed with ${token}`), { code: 50035 });
    log.error({ err: error, deep: { a: { b: { c: { d: { e: token } } } } }, when: new Date(0), token }, `message with ${token}`);
    const text = lines.join('');
    assert.ok(!text.includes(token), text);
    const line = JSON.parse(text) as { err: { code: number; message: string }; when: string; token: string };
    assert.equal(line.err.code, 50035, 'error codes survive');
    assert.match(line.err.message, /\[redacted\]/);
    assert.equal(line.when, '1970-01-01T00:00:00.000Z', 'dates survive');
    assert.equal(line.token, '[redacted]');
  });
});
