import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interner, SlotTable, StringColumn } from '../../src/search/string-column.ts';

test('a string column gives back every string as pushed: empty, ASCII, CJK, astral, long', () => {
  const values = ['', 'arxiv:2501.00001', '视频即答案：基于联合GRPO的下一视频事件预测', 'emoji 😀 and é', 'x'.repeat(5000), '2025-01-10'];
  const col = new StringColumn();
  for (let round = 0; round < 300; round++) for (const v of values) col.push(`${v}${round % 7 === 0 ? '' : round}`);
  assert.equal(col.length, 300 * values.length);
  for (let round = 0; round < 300; round++) {
    values.forEach((v, i) => assert.equal(col.get(round * values.length + i), `${v}${round % 7 === 0 ? '' : round}`));
  }
  assert.equal(col.get(-1), '');
  assert.equal(col.get(col.length), '');
  assert.deepEqual(col.slice(1, 3), [col.get(1), col.get(2)]);
});

test('a frozen column keeps what it held while more strings are pushed', () => {
  const col = new StringColumn();
  for (let i = 0; i < 100; i++) col.push(`标题 ${i}`);
  const frozen = col.freeze(100);
  for (let i = 100; i < 5000; i++) col.push(`other ${i}`);
  assert.equal(frozen.length, 100);
  assert.deepEqual(frozen.slice(0, 100), Array.from({ length: 100 }, (_, i) => `标题 ${i}`));
  assert.equal(col.get(4999), 'other 4999');
});

test('the slot table finds, forgets and re-maps ids through growth and deletions', () => {
  const ids = new StringColumn();
  const table = new SlotTable(ids);
  const map = new Map<string, number>();
  for (let slot = 0; slot < 20_000; slot++) {
    const id = `arxiv:${2500 + (slot % 97)}.${slot}`;
    ids.push(id);
    table.set(id, slot);
    map.set(id, slot);
    if (slot % 3 === 0) {
      const gone = `arxiv:${2500 + ((slot >> 1) % 97)}.${slot >> 1}`;
      assert.equal(table.delete(gone), map.get(gone));
      map.delete(gone);
    }
  }
  assert.equal(table.count, map.size);
  for (const [id, slot] of map) assert.equal(table.get(id), slot);
  assert.equal(table.get('arxiv:0000.0'), undefined);
  assert.equal(table.delete('arxiv:0000.0'), undefined);
  assert.deepEqual([...table.slots()].sort((a, b) => a - b), [...map.values()].sort((a, b) => a - b));
});

test('interned strings are one object per value', () => {
  const interner = new Interner();
  const a = interner.intern(['2025', '01', '10'].join('-'));
  const b = interner.intern(['2025', '01', '10'].join('-'));
  assert.equal(a, b);
  assert.equal(interner.intern('x'), 'x');
});
