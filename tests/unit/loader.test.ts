import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CommandLoadError, loadCommands } from '../../src/interactions/loader.ts';

describe('command loader', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const folder = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'cmds-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };

  it('loads the project’s commands, each a valid chat-input command with zh-CN localizations', async () => {
    const commands = await loadCommands();
    assert.deepEqual([...commands.keys()].sort(), ['digest', 'paper', 'subscribe']);
    for (const command of commands.values()) {
      const json = command.data.toJSON();
      assert.equal(json.name, command.data.name);
      assert.ok(json.name_localizations?.['zh-CN'] && json.description_localizations?.['zh-CN']);
      for (const option of json.options ?? []) assert.ok(option.name_localizations?.['zh-CN'], `${json.name} ${option.name}`);
    }
  });

  it('refuses a malformed module with one line naming the file and the problem', async () => {
    const dir = folder({ 'broken.mjs': 'export default { data: { name: "x" } };' });
    await assert.rejects(loadCommands(dir), (error: unknown) => {
      assert.ok(error instanceof CommandLoadError);
      assert.match(error.message, /^commands\/broken\.mjs: not a command module \(data\.toJSON: /);
      assert.ok(!error.message.includes('\n'));
      return true;
    });
  });

  it('refuses two modules with the same command name', async () => {
    const module = 'export default { data: { name: "same", toJSON: () => ({}) }, execute: async () => {} };';
    await assert.rejects(loadCommands(folder({ 'a.mjs': module, 'b.mjs': module })), /duplicate command name "same"/);
  });
});
