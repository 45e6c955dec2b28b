/**
 * `npm run deploy-commands [-- --guild ID]` as a user runs it (a subprocess configured by the environment), against
 * the strict local Discord: global and per-server bulk overwrite, the application id read from the API, and clear
 * one-line failures that never print the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { runScript } from '../helpers/subprocess.ts';

describe('deploy-commands', () => {
  let world: TestWorld;
  before(async () => {
    world = await createWorld();
  });
  after(async () => {
    await world.close();
  });

  // Asynchronous on purpose: the local Discord runs in this process and must keep answering meanwhile.
  const deploy = async (env: Record<string, string>, ...args: string[]) => {
    const { code: status, stdout, stderr } = await runScript('src/deploy-commands.ts', args, { env: { ...process.env, ...world.env, DISCORD_APPLICATION_ID: '', ...env } });
    return { status, stdout, stderr };
  };

  it('registers the commands in one server, reading the application id from the API', async () => {
    const run = await deploy({}, '--guild', world.discord.guildId);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), `registered 3 commands in server ${world.discord.guildId}`);
    assert.deepEqual(world.discord.commands(world.discord.guildId).map((c) => c.name).sort(), ['digest', 'paper', 'subscribe']);
  });

  it('registers them globally without --guild, and a second run overwrites rather than duplicates', async () => {
    for (let i = 0; i < 2; i++) {
      const run = await deploy({});
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /registered 3 commands in all servers \(global\)/);
    }
    assert.equal(world.discord.commands().length, 3);
    assert.deepEqual(world.discord.violations(), []);
  });

  it('--guild for a server the bot is not in says to invite it first, with the link (issue 15)', async () => {
    const stranger = '123456789012345678';
    const run = await deploy({}, '--guild', stranger);
    assert.equal(run.status, 1);
    assert.match(run.stderr, new RegExp(`server ${stranger}: the bot is not in that server .*invite the bot to that server first \\(https://discord\\.com/oauth2/authorize`));
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  });

  it('fails with one clear line: no token, a bad --guild, a token Discord refuses (never printed)', async () => {
    const noToken = await deploy({ DISCORD_TOKEN: '' });
    assert.equal(noToken.status, 1);
    assert.match(noToken.stderr, /DISCORD_TOKEN is not set/);
    const badGuild = await deploy({}, '--guild', 'general');
    assert.equal(badGuild.status, 1);
    assert.match(badGuild.stderr, /--guild needs a server id/);
    const secret = 'MTIzNDU2Nzg5.not-the-right.token-value';
    const refused = await deploy({ DISCORD_TOKEN: secret });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /deploy-commands failed: .*401 Unauthorized\) — check DISCORD_TOKEN/);
    assert.ok(!refused.stderr.includes(secret) && !refused.stdout.includes(secret), 'the token is never printed');
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  });
});
