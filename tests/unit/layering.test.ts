import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import { ESLint } from 'eslint';

const ROOT = resolve(import.meta.dirname, '../..');
/** The layer table eslint.config.js enforces (a JS module: imported by URL, typed here). */
const { LAYERS } = (await import(pathToFileURL(join(ROOT, 'eslint.config.js')).href)) as {
  LAYERS: { unit: string; may: string[]; typeOnly?: string[] }[];
};

describe('layering table', () => {
  it('gives every folder and file of src/ a row, and has rows for the folders still to come', () => {
    const units = new Set(LAYERS.map((layer) => layer.unit));
    const entries = readdirSync(join(ROOT, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.name.endsWith('.ts'))
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.name));
    assert.deepEqual(entries.filter((entry) => !units.has(entry)), []);
    for (const unit of ['sources/', 'metadata/', 'commands/']) assert.ok(units.has(unit), unit);
  });

  it('is written down: docs/architecture.md names every unit', () => {
    const doc = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    for (const { unit } of LAYERS) assert.ok(doc.includes(`\`${unit === 'commands/' ? unit : `src/${unit}`}\``), `${unit} missing from docs/architecture.md`);
  });

  it('only lets a unit import units below it: no two units may import each other', () => {
    const may = new Map(LAYERS.map((layer) => [layer.unit, new Set([...layer.may, ...(layer.typeOnly ?? [])])]));
    for (const [unit, allowed] of may) {
      for (const other of allowed) assert.ok(!may.get(other)?.has(unit), `${unit} and ${other} may import each other`);
    }
  });
});

describe('lint enforces the layering', () => {
  let eslint: ESLint;
  before(() => {
    eslint = new ESLint({ cwd: ROOT });
  });
  /** The layering errors lint reports for `code` as if it were the file `path`. */
  const layeringErrors = async (path: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  };

  it('refuses a lower folder importing a higher one, and says which rule it breaks', async () => {
    const errors = await layeringErrors('src/digest/violation.ts', "import type { Stores } from '../store/index.ts';\nexport type S = Stores;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /src\/digest\/ may not import src\/store\/ \(the layering in docs\/architecture\.md\)/);
  });

  it('lets the same folder import what sits below it, and what every layer may use', async () => {
    const code = "import type { Paper } from './types.ts';\nimport { translator } from '../i18n/index.ts';\nimport type { Logger } from '../log.ts';\nexport type P = [Paper, Logger, typeof translator];\n";
    assert.deepEqual(await layeringErrors('src/digest/allowed.ts', code), []);
    assert.deepEqual(await layeringErrors('src/store/allowed.ts', "import type { Paper } from '../digest/types.ts';\nexport type P = Paper;\n"), []);
  });

  it('refuses the imports this issue removed: app.ts → jobs/, discord/ → app.ts, a command → bot.ts', async () => {
    assert.equal((await layeringErrors('src/app.ts', "import type { DigestRunner } from './jobs/runner.ts';\nexport type R = DigestRunner;\n")).length, 1);
    assert.equal((await layeringErrors('src/discord/x.ts', "import type { AppServices } from '../app.ts';\nexport type A = AppServices;\n")).length, 1);
    assert.equal((await layeringErrors('commands/x.ts', "import { startBot } from '../src/bot.ts';\nexport const s = startBot;\n")).length, 1);
    assert.deepEqual(await layeringErrors('commands/x.ts', "import type { Command } from '../src/interactions/command.ts';\nexport type C = Command;\n"), []);
  });

  it('already holds the folders still to come: sources/ and metadata/', async () => {
    assert.equal((await layeringErrors('src/sources/github.ts', "import { paperEmbed } from '../discord/embeds.ts';\nexport const e = paperEmbed;\n")).length, 1);
    assert.deepEqual(await layeringErrors('src/sources/github.ts', "import type { Stores } from '../store/index.ts';\nexport type S = Stores;\n"), []);
    // metadata/ may use the store's types (records it fills in), never the store itself.
    assert.deepEqual(await layeringErrors('src/metadata/merge.ts', "import type { Stores } from '../store/index.ts';\nexport type S = Stores;\n"), []);
    assert.equal((await layeringErrors('src/metadata/merge.ts', "import { openStores } from '../store/index.ts';\nexport const o = openStores;\n")).length, 1);
    assert.equal((await layeringErrors('src/store/x.ts', "import { fetchDigests } from '../sources/index.ts';\nexport const f = fetchDigests;\n")).length, 1);
  });

  it('tells a folder’s own file from a top-level one of the same name (src/cli/archive.ts vs src/archive.ts)', async () => {
    assert.deepEqual(await layeringErrors('src/store/x.ts', "import { a } from './archive.ts';\nexport const b = a;\n"), []);
    assert.equal((await layeringErrors('src/store/x.ts', "import { a } from '../archive.ts';\nexport const b = a;\n")).length, 1);
  });
});
