// More of the fake Discord with the real discord.js client: two shards, components, autocomplete, DMs, threads.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ChannelType, Client, Events, GatewayIntentBits } from 'discord.js';
import type { Interaction, TextChannel } from 'discord.js';
import { startFakeDiscord } from './driver.ts';
import type { FakeDiscord } from './driver.ts';
import { shardForGuild } from './snowflake.ts';

describe('fake discord: shards, components, autocomplete, DMs, threads', () => {
  let discord: FakeDiscord;
  let client: Client;
  let secondGuildId = '';
  let onCommandReply = '';

  before(async () => {
    discord = await startFakeDiscord({ shardCount: 2, heartbeatIntervalMs: 1000, requireAllowedMentions: true });
    // Add guilds until one lands on each shard, so both shards carry a guild.
    while (new Set([discord.guildId, secondGuildId].filter(Boolean).map((id) => shardForGuild(id, 2))).size < 2) {
      secondGuildId = discord.addGuild({ name: 'second' }).id;
    }
    client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages], shards: 'auto', rest: { api: discord.apiUrl }, allowedMentions: { parse: [] } });
    client.on(Events.InteractionCreate, (interaction: Interaction) => void handle(interaction).catch(() => {}));
    const ready = once(client, Events.ClientReady);
    await client.login(discord.token);
    await ready;
  });

  after(async () => {
    await client.destroy();
    await discord.close();
  });

  async function handle(interaction: Interaction): Promise<void> {
    if (interaction.isAutocomplete()) {
      const typed = interaction.options.getFocused();
      await interaction.respond([{ name: `${typed}-1`, value: `${typed}-1` }]);
    } else if (interaction.isButton()) {
      await interaction.update({ content: `clicked ${interaction.customId}`, components: [] });
    } else if (interaction.isStringSelectMenu()) {
      await interaction.reply({ content: `picked ${interaction.values.join(',')}`, flags: 64 });
    } else if (interaction.isChatInputCommand()) {
      await interaction.reply(interaction.commandName === 'admin' ? onCommandReply : `dm ${interaction.user.id} ${interaction.inGuild()}`);
    }
  }

  it('routes guilds to shards by (id >> 22) % 2 and both shards identify', () => {
    assert.equal(client.ws.shards.size, 2);
    assert.ok(client.guilds.cache.has(discord.guildId) && client.guilds.cache.has(secondGuildId));
    assert.equal(discord.gatewayStats(0).identifies, 1);
    assert.equal(discord.gatewayStats(1).identifies, 1);
    assert.equal(client.guilds.cache.get(secondGuildId)?.shardId, shardForGuild(secondGuildId, 2));
  });

  it('marks interactions Discord would not deliver, and flags content without allowed_mentions', async () => {
    await client.application!.commands.set([{ name: 'admin', description: 'Admin only', defaultMemberPermissions: '8' }], discord.guildId);
    const member = discord.addMember(discord.guildId);
    onCommandReply = 'refused';
    const record = await discord.interact({ kind: 'command', name: 'admin', channelId: discord.channelId, userId: member.user.id });
    assert.match(record.hiddenReason ?? '', /default_member_permissions/);
    assert.equal(record.original?.content, 'refused');
    const boss = discord.addRole(discord.guildId, { name: 'boss', permissions: 8n });
    const admin = discord.addMember(discord.guildId, { roles: [boss.id] });
    const allowed = await discord.interact({ kind: 'command', name: 'admin', channelId: discord.channelId, userId: admin.user.id });
    assert.equal(allowed.hiddenReason, undefined);
    assert.deepEqual(discord.violations(), [], 'discord.js sent allowed_mentions everywhere');

    await client.rest.post(`/channels/${discord.channelId}/messages`, { body: { content: '@everyone hi' } });
    assert.deepEqual(discord.violations().map((v) => v.kind), ['policy']);
    discord.clearViolations();
  });

  it('answers autocomplete with choices', async () => {
    const member = discord.addMember(discord.guildId);
    const record = await discord.interact({
      kind: 'autocomplete', name: 'paper', channelId: discord.channelId, userId: member.user.id,
      options: [{ type: 3, name: 'query', value: 'llm', focused: true }],
    });
    assert.equal(record.initial?.type, 8);
    assert.deepEqual(record.initial?.data, { choices: [{ name: 'llm-1', value: 'llm-1' }] });
  });

  it('handles a button (update message) and a select menu (ephemeral reply)', async () => {
    const channel = client.channels.cache.get(discord.channelId) as TextChannel;
    const row = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('v1:next:2').setLabel('Next').setStyle(ButtonStyle.Primary));
    const sent = await channel.send({ content: 'page 1', components: [row] });
    const member = discord.addMember(discord.guildId);
    const clicked = await discord.interact({ kind: 'button', messageId: sent.id, customId: 'v1:next:2', channelId: discord.channelId, userId: member.user.id });
    assert.equal(clicked.initial?.type, 7);
    assert.equal(discord.messages(discord.channelId).find((m) => m.id === sent.id)?.content, 'clicked v1:next:2');

    const picked = await discord.interact({ kind: 'select', messageId: sent.id, customId: 'v1:pick', values: ['a', 'b'], channelId: discord.channelId, userId: member.user.id });
    assert.equal(picked.original?.content, 'picked a,b');
    assert.ok(!discord.messages(discord.channelId).some((m) => m.id === picked.original?.id), 'ephemeral replies are not in the channel');
  });

  it('refuses components over the limits (6 buttons in a row, custom_id over 100)', async () => {
    const buttons = Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: `b${i}`, custom_id: `b${i}` }));
    await assert.rejects(client.rest.post(`/channels/${discord.channelId}/messages`, { body: { components: [{ type: 1, components: buttons }] } }), { code: 50035 });
    await assert.rejects(client.rest.post(`/channels/${discord.channelId}/messages`, { body: { components: [{ type: 1, components: [{ type: 2, style: 1, label: 'x', custom_id: 'x'.repeat(101) }] }] } }), { code: 50035 });
    assert.equal(discord.violations().length, 2);
    discord.clearViolations();
  });

  it('opens DMs, delivers them, and refuses users who closed DMs with 50007', async () => {
    const open = discord.addUser({ username: 'reader' });
    const closed = discord.addUser({ username: 'private', acceptsDms: false });
    const user = await client.users.fetch(open.id);
    await user.send('your digest');
    assert.equal(discord.dms(open.id)[0]?.content, 'your digest');
    const other = await client.users.fetch(closed.id);
    await assert.rejects(other.send('x'), { status: 403, code: 50007 });
    const dmChannel = discord.state.dmChannelFor(open.id);
    const record = await discord.interact({ kind: 'command', name: 'paper', channelId: dmChannel.id, userId: open.id });
    assert.equal(record.original?.content, `dm ${open.id} false`);
    assert.deepEqual(discord.violations(), []);
  });

  it('starts threads from a message and in a channel', async () => {
    const channel = client.channels.cache.get(discord.channelId) as TextChannel;
    const message = await channel.send('thread root');
    const thread = await message.startThread({ name: 'discussion' });
    assert.equal(thread.id, message.id);
    await thread.send('inside');
    assert.equal(discord.messages(thread.id)[0]?.content, 'inside');
    const standalone = await channel.threads.create({ name: 'standalone', type: ChannelType.PrivateThread });
    assert.equal(discord.state.channels.get(standalone.id)?.type, 12);
    assert.deepEqual(discord.violations(), []);
  });
});
