// Smoke tests of the fake Discord against the real discord.js client: what it accepts, what it refuses like
// Discord would, and that the client copes with rate limits, faults and dropped gateway connections.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Client, DiscordAPIError, EmbedBuilder, Events, GatewayIntentBits, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { ChatInputCommandInteraction, Interaction, TextChannel } from 'discord.js';
import { startFakeDiscord } from './driver.ts';
import type { FakeDiscord } from './driver.ts';

describe('fake discord with the real discord.js client', () => {
  let discord: FakeDiscord;
  let client: Client;
  /** Per-test interaction behaviour; the single listener delegates here. */
  let onCommand: (interaction: ChatInputCommandInteraction) => Promise<void> = async () => {};

  before(async () => {
    discord = await startFakeDiscord({
      heartbeatIntervalMs: 1000,
      // Short windows keep the suite fast while keeping Discord's shape (5 messages per window per channel).
      rateLimits: { messages: { limit: 5, windowMs: 600 } },
      timings: { interactionWindowMs: 1000 },
    });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl, retries: 3 } });
    client.on(Events.InteractionCreate, (interaction: Interaction) => {
      if (interaction.isChatInputCommand()) void onCommand(interaction).catch(() => {});
    });
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
  });

  after(async () => {
    await client.destroy();
    await discord.close();
  });

  const channel = (): TextChannel => client.channels.cache.get(discord.channelId) as TextChannel;

  it('logs in: READY and GUILD_CREATE fill the caches, permissions match the server', () => {
    assert.equal(client.user?.id, discord.botUserId);
    assert.equal(client.application?.id, discord.applicationId);
    const guild = client.guilds.cache.get(discord.guildId);
    assert.ok(guild, 'guild cached');
    assert.ok(channel(), 'channel cached');
    const me = guild.members.me;
    assert.ok(me, 'bot member cached');
    assert.ok(channel().permissionsFor(me)?.has(PermissionFlagsBits.SendMessages));
    assert.deepEqual(discord.violations(), []);
  });

  it('accepts a valid embed message and refuses 6001 embed characters with 50035', async () => {
    const sent = await channel().send({ content: 'hello', embeds: [new EmbedBuilder().setTitle('t').setDescription('d').addFields({ name: 'n', value: 'v' })] });
    assert.equal(discord.messages(discord.channelId).at(-1)?.id, sent.id);
    assert.equal(discord.messages(discord.channelId).at(-1)?.embeds[0]?.title, 't');

    const big = [0, 1].map((i) => new EmbedBuilder().setTitle(`e${i}`).setDescription('x'.repeat(i === 0 ? 4000 : 2001 - 4)));
    await assert.rejects(channel().send({ embeds: big }), (error: unknown) => {
      assert.ok(error instanceof DiscordAPIError);
      assert.equal(error.code, 50035);
      assert.equal(error.status, 400);
      assert.match(JSON.stringify(error.rawError), /MAX_EMBED_SIZE_EXCEEDED/);
      return true;
    });
    assert.equal(discord.violations().length, 1);
    assert.equal(discord.violations()[0]?.kind, 'schema');
    discord.clearViolations();
  });

  it('refuses what the spec refuses (a 257-character title) and a field over 1024', async () => {
    await assert.rejects(channel().send({ embeds: [{ title: 'x'.repeat(257) }] }), { code: 50035 });
    await assert.rejects(channel().send({ embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] }), { code: 50035 });
    assert.equal(discord.violations().length, 2);
    discord.clearViolations();
  });

  it('answers 403 50013 where the bot may not send, 404 10003 for an unknown channel', async () => {
    const muted = discord.addChannel(discord.guildId, {
      name: 'read-only',
      overwrites: [{ id: discord.guildId, type: 'role', deny: PermissionFlagsBits.SendMessages }],
    });
    await discord.waitForGateway();
    await waitUntil(() => client.channels.cache.has(muted.id));
    const cached = client.channels.cache.get(muted.id) as TextChannel;
    assert.equal(cached.permissionsFor(client.user!.id)?.has(PermissionFlagsBits.SendMessages), false, 'client sees the same permissions');
    await assert.rejects(cached.send('no'), { status: 403, code: 50013 });
    await assert.rejects(client.rest.post('/channels/123456789012345678/messages', { body: { content: 'x' } }), { status: 404, code: 10003 });
    assert.deepEqual(discord.violations(), []);
  });

  it('rejects requests without the bot token and unknown routes, recording both', async () => {
    const res = await fetch(`${discord.apiUrl}/v10/users/@me`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { code: 0, message: '401: Unauthorized' });
    await assert.rejects(client.rest.get('/no/such/route'), { status: 404 });
    assert.deepEqual(discord.violations().map((v) => v.kind).sort(), ['auth', 'route']);
    discord.clearViolations();
  });

  it('rate limits 5 messages per window per channel; discord.js waits instead of hammering', async () => {
    // A fresh channel, so the first window starts with this burst.
    const created = discord.addChannel(discord.guildId, { name: 'burst' });
    await waitUntil(() => client.channels.cache.has(created.id));
    const target = client.channels.cache.get(created.id) as TextChannel;
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, (_, i) => target.send(`burst ${i}`)));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 590, `8 messages with 5 per 600 ms took only ${elapsed} ms`);
    const burst = discord.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${created.id}/messages`);
    assert.equal(burst.filter((r) => r.status === 200).length, 8);
    assert.equal(discord.messages(created.id).length, 8);
    // The client read X-RateLimit-Remaining/Reset-After and waited before the 6th request: no 429 was needed.
    assert.equal(discord.rateLimitHits(), 0);
    assert.ok(burst[5]!.at - burst[0]!.at >= 590, 'the 6th message waited for the next window');
    assert.deepEqual(discord.violations(), [], 'no request arrived before retry_after');
  });

  it('answers a client that ignores the headers with 429 + retry_after, and records coming back too early', async () => {
    const created = discord.addChannel(discord.guildId, { name: 'raw-burst' });
    const post = (): Promise<Response> => fetch(`${discord.apiUrl}/v10/channels/${created.id}/messages`, {
      method: 'POST', headers: { Authorization: `Bot ${discord.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'x' }),
    });
    for (let i = 0; i < 5; i++) assert.equal((await post()).status, 200);
    const limited = await post();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.equal(limited.headers.get('x-ratelimit-scope'), 'user');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    const body = (await limited.json()) as { retry_after: number; global: boolean };
    assert.ok(body.retry_after > 0 && body.retry_after <= 0.6);
    assert.equal(body.global, false);
    assert.equal((await post()).status, 429);
    assert.deepEqual(discord.violations().map((v) => v.kind), ['rate-limit']);
    discord.clearViolations();
    await new Promise((resolve) => setTimeout(resolve, 650));
  });

  it('a 429 burst with retry_after is waited through; 5xx faults are retried', async () => {
    const limited = discord.faults.inject({ method: 'POST', route: '/messages', status: 429, retryAfter: 0.3, times: 2 });
    const started = Date.now();
    await channel().send('after 429');
    assert.equal(limited.hits, 2);
    assert.ok(Date.now() - started >= 550, 'waited retry_after twice');

    const failing = discord.faults.inject({ method: 'POST', route: '/messages', status: 502, times: 2 });
    const sent = await channel().send('after 502');
    assert.equal(failing.hits, 2);
    assert.equal(discord.messages(discord.channelId).at(-1)?.id, sent.id);

    // A dropped TCP connection is not retried by @discordjs/rest: the bot sees the error and nothing was posted.
    const count = discord.messages(discord.channelId).length;
    discord.faults.inject({ method: 'POST', route: '/messages', status: 'drop' });
    await assert.rejects(channel().send('dropped'));
    assert.equal(discord.messages(discord.channelId).length, count);
    assert.deepEqual(discord.violations(), []);
  });

  it('deduplicates enforce_nonce messages in a channel', async () => {
    const before = discord.messages(discord.channelId).length;
    const a = await channel().send({ content: 'once', nonce: 'nonce-1', enforceNonce: true });
    const b = await channel().send({ content: 'once', nonce: 'nonce-1', enforceNonce: true });
    assert.equal(a.id, b.id);
    assert.equal(discord.messages(discord.channelId).length, before + 1);
  });

  it('registers commands by bulk overwrite, validated by the spec', async () => {
    const ping = new SlashCommandBuilder().setName('ping').setDescription('Ping').setNameLocalizations({ 'zh-CN': '测试' })
      .setDefaultMemberPermissions(PermissionFlagsBits.Administrator);
    const saved = await client.application!.commands.set([ping.toJSON()], discord.guildId);
    assert.equal(saved.size, 1);
    assert.equal(discord.commands(discord.guildId)[0]?.name, 'ping');
    assert.equal(discord.commands(discord.guildId)[0]?.default_member_permissions, '8');
    await assert.rejects(client.rest.put(`/applications/${discord.applicationId}/commands`, { body: [{ name: 'Bad Name', description: 'x' }] }), { code: 50035 });
    await assert.rejects(client.rest.put(`/applications/${discord.applicationId}/commands`, { body: [{ name: 'ok', description: 'd'.repeat(101) }] }), { code: 50035 });
    assert.equal(discord.violations().length, 2);
    discord.clearViolations();
  });

  it('delivers a slash command; a reply in time lands, a late one gets 10062, a second one 40060', async () => {
    const member = discord.addMember(discord.guildId, { username: 'alice' });
    let secondError: unknown;
    onCommand = async (interaction) => {
      await interaction.reply({ content: `pong ${interaction.locale}` });
      secondError = await interaction.reply({ content: 'again' }).catch((error: unknown) => error);
    };
    const answered = await discord.interact({ kind: 'command', name: 'ping', channelId: discord.channelId, userId: member.user.id, locale: 'zh-CN' });
    assert.equal(answered.initial?.type, 4);
    assert.equal(answered.original?.content, 'pong zh-CN');
    await waitUntil(() => secondError !== undefined);
    // discord.js refuses a second reply itself; the raw API must refuse it too.
    const raw = await fetch(`${discord.apiUrl}/v10/interactions/${answered.id}/${answered.token}/callback`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 4, data: { content: 'x' } }),
    });
    assert.equal(raw.status, 400);
    assert.equal(((await raw.json()) as { code: number }).code, 40060);

    let lateError: unknown;
    onCommand = async (interaction) => {
      await new Promise((resolve) => setTimeout(resolve, 1200));
      lateError = await interaction.reply('too late').catch((error: unknown) => error);
    };
    const late = discord.injectInteraction({ kind: 'command', name: 'ping', channelId: discord.channelId, userId: member.user.id });
    await discord.waitFor(late, (r) => r.refused.length > 0, 3000);
    assert.equal(late.initial, undefined);
    assert.deepEqual(late.refused.map((r) => r.code), [10062]);
    await waitUntil(() => lateError !== undefined);
    assert.ok(lateError instanceof DiscordAPIError && lateError.code === 10062);
    discord.clearViolations();
  });

  it('a deferred reply is answered through the @original edit and a follow-up', async () => {
    const member = discord.addMember(discord.guildId, { username: 'bob' });
    onCommand = async (interaction) => {
      await interaction.deferReply({ flags: 64 });
      await interaction.editReply('done');
      await interaction.followUp('more');
    };
    const record = await discord.interact({ kind: 'command', name: 'ping', channelId: discord.channelId, userId: member.user.id });
    assert.equal(record.initial?.type, 5);
    await discord.waitFor(record, (r) => r.followups.length > 0);
    assert.equal(record.original?.content, 'done');
    assert.equal(record.followups[0]?.content, 'more');
    assert.deepEqual(discord.violations(), []);
  });

  it('recovers from dropped gateway connections: resume after 4000 and TCP drops, re-identify after invalidation', async () => {
    const before = discord.gatewayStats();
    // Each resume is complete when the client has handled its RESUMED: invalidating the session before that makes
    // discord.js handle a late RESUMED without a session (an unhandled TypeError in its handler).
    let resumed = 0;
    const onResume = () => void resumed++;
    client.on(Events.ShardResume, onResume);
    assert.equal(discord.dropGateway(0, 'close-4000'), 1);
    await waitUntil(() => discord.gatewayStats().resumes > before.resumes && resumed >= 1, 8000);
    await discord.waitForGateway();
    discord.dropGateway(0, 'tcp');
    await waitUntil(() => discord.gatewayStats().resumes > before.resumes + 1 && resumed >= 2, 8000);
    await discord.waitForGateway();
    client.off(Events.ShardResume, onResume);
    discord.dropGateway(0, 'invalidate');
    await waitUntil(() => discord.gatewayStats().identifies > before.identifies, 8000);
    await discord.waitForGateway();
    // The recovered session still receives interactions.
    const member = discord.addMember(discord.guildId, { username: 'carol' });
    onCommand = async (interaction) => void (await interaction.reply('still here'));
    const record = await discord.interact({ kind: 'command', name: 'ping', channelId: discord.channelId, userId: member.user.id });
    assert.equal(record.original?.content, 'still here');
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
