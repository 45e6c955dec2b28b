import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StoreOpenError, StoreUnavailableError, asStoreError, isStoreError } from '../../src/store/index.ts';

describe('store error classes (issue 15)', () => {
  it('recognises the store errors by class, not by name', () => {
    assert.ok(isStoreError(new StoreUnavailableError('store down', 'ECONNREFUSED')));
    assert.ok(isStoreError(new StoreOpenError('cannot open store', 'ECONNREFUSED')));
    // A name that merely contains "Store" (an unrelated library's error) is not the store being unavailable.
    const lookalike = Object.assign(new Error('bad'), { name: 'StoreFrontError' });
    assert.equal(isStoreError(lookalike), false);
    assert.equal(isStoreError('StoreUnavailableError'), false);
  });

  it('wraps a lost connection seen outside the Kv, and leaves other errors alone', () => {
    const socket = Object.assign(new Error('Socket closed unexpectedly'), { name: 'SocketClosedUnexpectedlyError' });
    const wrapped = asStoreError(socket, 'a cluster message');
    assert.ok(wrapped instanceof StoreUnavailableError);
    assert.equal(wrapped.cause, socket);
    const bug = new TypeError('x is not a function');
    assert.equal(asStoreError(bug, 'anything'), bug);
  });
});
