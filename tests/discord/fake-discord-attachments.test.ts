// Files on messages with the real discord.js client: multipart creates, interaction replies, follow-ups and edits,
// and the refusals Discord gives (too many files, too large, an unknown attachment, no Attach Files permission).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { AttachmentBuilder, Client, DiscordAPIError, Events, GatewayIntentBits, PermissionFlagsBits } from 'discord.js';
import type { ChatInputCommandInteraction, Interaction, TextChannel } from 'discord.js';
import { startFakeDiscord } from './driver.ts';
import type { FakeDiscord } from './driver.ts';

const none = { parse: [] as [] };

describe('fake discord: attachments', () => {
  let discord: FakeDiscord;
  let client: Client;
  let onCommand: (interaction: ChatInputCommandInteraction) => Promise<void> = async () => {};

  before(async () => {
    discord = await startFakeDiscord({ heartbeatIntervalMs: 1000, requireAllowedMentions: true, attachmentLimits: { attachmentBytes: 1024 } });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl }, allowedMentions: none });
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

  const channel = (): Promise<TextChannel> => client.channels.fetch(discord.channelId) as Promise<TextChannel>;
  const file = (text: string, name: string): AttachmentBuilder => new AttachmentBuilder(Buffer.from(text), { name });

  it('stores the files of a multipart message create, bytes and names as sent', async () => {
    const sent = await (await channel()).send({ content: 'two files', files: [file('@article{a}', 'a.bib'), file('TY  - JOUR', 'b.ris')], allowedMentions: none });
    const stored = discord.messages(discord.channelId).find((m) => m.id === sent.id);
    assert.deepEqual(stored?.attachments.map((a) => [a.filename, a.size]), [['a.bib', 11], ['b.ris', 10]]);
    assert.equal(discord.attachment(stored!.attachments[0]!.id)?.data.toString(), '@article{a}');
    assert.equal(sent.attachments.size, 2, 'discord.js reads the attachments back from the answer');
    assert.deepEqual(discord.violations(), []);
  });

  it('takes files on an ephemeral reply, a follow-up and an edit of the reply', async () => {
    onCommand = async (interaction) => {
      await interaction.reply({ content: 'citation', files: [file('one', 'one.bib')], flags: 64 });
      await interaction.followUp({ files: [file('two', 'two.bib')], flags: 64 });
      await interaction.editReply({ content: 'replaced', files: [file('three', 'three.bib')], attachments: [] });
    };
    const record = discord.injectInteraction({ kind: 'command', name: 'cite', channelId: discord.channelId, userId: discord.addMember(discord.guildId).user.id });
    await discord.waitFor(record, (r) => r.original?.content === 'replaced', 5000);
    assert.deepEqual(record.followups[0]?.attachments.map((a) => a.filename), ['two.bib']);
    assert.deepEqual(record.original?.attachments.map((a) => a.filename), ['three.bib'], 'an edit with attachments: [] drops the old file');
    assert.equal(discord.attachment(record.original!.attachments[0]!.id)?.data.toString(), 'three');
    assert.deepEqual(discord.violations(), []);
  });

  it('keeps the attachments an edit names and drops the others', async () => {
    const sent = await (await channel()).send({ files: [file('a', 'a.txt'), file('b', 'b.txt')], allowedMentions: none });
    const keep = sent.attachments.find((a) => a.name === 'b.txt')!;
    await sent.edit({ content: 'kept b', attachments: [keep] });
    const stored = discord.messages(discord.channelId).find((m) => m.id === sent.id);
    assert.deepEqual(stored?.attachments.map((a) => a.filename), ['b.txt']);
  });

  it('refuses a file over the upload limit (413 40005) and more than ten files (50035)', async () => {
    discord.clearViolations();
    await assert.rejects((async () => (await channel()).send({ files: [file('x'.repeat(2048), 'big.txt')], allowedMentions: none }))(),
      (error: unknown) => error instanceof DiscordAPIError && error.status === 413 && error.code === 40005);
    const eleven = Array.from({ length: 11 }, (_, i) => file(`f${i}`, `f${i}.txt`));
    await assert.rejects((async () => (await channel()).send({ files: eleven, allowedMentions: none }))(),
      (error: unknown) => error instanceof DiscordAPIError && error.code === 50035 && /attachments/.test(error.message));
    assert.equal(discord.violations().length, 2, 'both refusals are recorded as violations');
    discord.clearViolations();
  });

  it('refuses files where the bot may not attach them (50013)', async () => {
    const guarded = discord.addChannel(discord.guildId, { name: 'no-files', overwrites: [{ id: discord.guildId, type: 'role', deny: PermissionFlagsBits.AttachFiles }] });
    const target = (await client.channels.fetch(guarded.id)) as TextChannel;
    await assert.rejects(target.send({ files: [file('a', 'a.txt')], allowedMentions: none }),
      (error: unknown) => error instanceof DiscordAPIError && error.code === 50013);
    await target.send({ content: 'text is fine', allowedMentions: none });
    assert.equal(discord.messages(guarded.id).length, 1);
  });
});
