import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { collapse, cycles, importGraph, type ImportGraph } from '../helpers/import-graph.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const show = (found: string[][]) => found.map((circle) => circle.join(' → ')).join('\n');

/** The layer a module belongs to: its folder under src/ (`src/store`), or the file itself for top-level files. */
function unitOf(module: string): string {
  const parts = module.split('/');
  if (parts[0] === 'commands') return 'commands';
  return parts.length > 2 ? parts.slice(0, 2).join('/') : module;
}

describe('import graph of src/ and commands/', () => {
  const graph = importGraph(ROOT, ['src', 'commands']);

  it('reads the whole project', () => {
    assert.ok(graph.size > 80, `only ${graph.size} modules found`);
    // A known edge, so a scanner that silently finds nothing cannot pass the tests below.
    assert.ok(graph.get('src/store/stores.ts')?.has('src/store/transfer.ts'));
    assert.ok(graph.get('commands/digest.ts')?.has('src/interactions/command.ts'));
  });

  it('has no circular imports between modules (type-only imports included)', () => {
    assert.equal(show(cycles(graph)), '');
  });

  it('has no circles between folders either (a lower folder never reaches back up)', () => {
    assert.equal(show(cycles(collapse(graph, unitOf))), '');
  });
});

describe('cycle detection', () => {
  const graphOf = (edges: Record<string, string[]>): ImportGraph => new Map(Object.entries(edges).map(([k, v]) => [k, new Set(v)]));

  it('finds a circle of two, a longer one and a self-import, and nothing in a tree', () => {
    const found = cycles(graphOf({ a: ['b'], b: ['a'], c: ['d'], d: ['e'], e: ['c', 'f'], f: [], g: ['g'], h: ['f'] }));
    assert.deepEqual(found.map((circle) => circle.join('>')).sort(), ['a>b>a', 'c>d>e>c', 'g>g']);
    assert.deepEqual(cycles(graphOf({ a: ['b', 'c'], b: ['c'], c: [] })), []);
  });

  it('collapses modules into folders, where a circle across folders shows', () => {
    const modules = graphOf({ 'src/x/a.ts': ['src/y/b.ts'], 'src/y/b.ts': ['src/y/c.ts'], 'src/y/c.ts': ['src/x/d.ts'], 'src/x/d.ts': [] });
    assert.deepEqual(cycles(modules), []);
    assert.deepEqual(cycles(collapse(modules, unitOf)).map((c) => c.join('>')), ['src/x>src/y>src/x']);
  });
});
