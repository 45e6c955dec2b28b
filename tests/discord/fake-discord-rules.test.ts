// The fake Discord's rule modules on plain values: limits at their exact edges, the permission algorithm,
// spec validation and Discord's error tree, and the rate-limit windows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { errorTree } from './errors.ts';
import { checkCommands, checkMessageLimits } from './limits.ts';
import { RateLimiter } from './limiter.ts';
import { channelPermissions } from './permissions.ts';
import { DiscordState } from './state.ts';
import { validateBody } from './validation.ts';

describe('message limits', () => {
  const embeds = (total: number) => [{ description: 'a'.repeat(4000) }, { description: 'b'.repeat(total - 4000) }];

  it('accepts exactly 6000 embed characters and refuses 6001', () => {
    assert.deepEqual(checkMessageLimits({ embeds: embeds(6000) }), []);
    const problems = checkMessageLimits({ embeds: embeds(6001) });
    assert.deepEqual(problems.map((p) => p.code), ['MAX_EMBED_SIZE_EXCEEDED']);
  });

  it('counts title, fields, footer and author toward the total', () => {
    const embed = { title: 't'.repeat(256), description: 'd'.repeat(4096), footer: { text: 'f'.repeat(600) }, author: { name: 'a'.repeat(256) },
      fields: [{ name: 'n'.repeat(256), value: 'v'.repeat(537) }] };
    assert.equal(checkMessageLimits({ embeds: [embed] }).length, 1);
    embed.fields[0]!.value = 'v'.repeat(536);
    assert.deepEqual(checkMessageLimits({ embeds: [embed] }), []);
  });

  it('checks per-field limits, content (by code points) and components, with paths', () => {
    const problems = checkMessageLimits({
      content: '字'.repeat(2001),
      embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }],
      components: [{ type: 1, components: [{ type: 3, custom_id: 's', options: Array.from({ length: 26 }, (_, i) => ({ label: `${i}`, value: `${i}` })) }] }],
    });
    assert.deepEqual(problems.map((p) => p.path.join('.')).sort(), ['components.0.components.0.options', 'content', 'embeds.0.fields.0.value']);
    assert.deepEqual(checkMessageLimits({ content: '字'.repeat(2000) }), []);
  });

  it('refuses bad command names, missing descriptions, optional-before-required and duplicates', () => {
    const problems = checkCommands([
      { name: 'Paper', description: 'x' },
      { name: 'paper', description: '' },
      { name: 'paper', description: 'x', options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] },
    ]);
    assert.deepEqual(problems.map((p) => p.code).sort(), [
      'APPLICATION_COMMANDS_DUPLICATE_NAME', 'APPLICATION_COMMAND_INVALID_NAME', 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', 'BASE_TYPE_REQUIRED',
    ]);
    assert.deepEqual(checkCommands([{ name: '论文', description: 'x', name_localizations: { 'zh-CN': '论文' } }]), []);
  });
});

describe('permissions', () => {
  it('applies @everyone, role and member overwrites in Discord order', () => {
    const state = new DiscordState('bot');
    const guild = state.addGuild({});
    const poster = state.addRole(guild.id, { name: 'poster', permissions: 0n });
    const user = state.addUser();
    state.addMember(guild.id, user.id, [poster.id]);
    const S = PermissionFlagsBits.SendMessages;
    const channel = state.addChannel(guild.id, { name: 'c', overwrites: [
      { id: guild.id, type: 0, allow: '0', deny: S.toString() },
      { id: poster.id, type: 0, allow: S.toString(), deny: '0' },
    ] });
    assert.ok(channelPermissions(state, channel, user.id) & S, 'role allow beats @everyone deny');
    (channel as { permission_overwrites: unknown[] }).permission_overwrites.push({ id: user.id, type: 1, allow: '0', deny: S.toString() });
    assert.equal(channelPermissions(state, channel, user.id) & S, 0n, 'member deny beats role allow');
    const admin = state.addRole(guild.id, { name: 'admin', permissions: PermissionFlagsBits.Administrator });
    state.addMember(guild.id, user.id, [admin.id]);
    assert.ok(channelPermissions(state, channel, user.id) & S, 'administrator ignores overwrites');
  });

  it('without VIEW_CHANNEL nothing applies', () => {
    const state = new DiscordState('bot');
    const guild = state.addGuild({});
    state.addMember(guild.id, state.botUser.id);
    const hidden = state.addChannel(guild.id, { name: 'h', overwrites: [{ id: guild.id, type: 0, allow: '0', deny: PermissionFlagsBits.ViewChannel.toString() }] });
    assert.equal(channelPermissions(state, hidden, state.botUser.id), 0n);
  });
});

describe('spec validation', () => {
  it('accepts a valid message and reports invalid fields as a Discord error tree', () => {
    assert.deepEqual(validateBody('MessageCreateRequest', { content: 'hi', embeds: [{ title: 't', color: 0x5865f2 }] }), []);
    const problems = validateBody('MessageCreateRequest', { embeds: [{ title: 'x'.repeat(257), color: 'red' }] });
    const tree = errorTree(problems);
    assert.deepEqual(tree, {
      embeds: { 0: {
        title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] },
        color: { _errors: [{ code: 'BASE_TYPE_BAD_TYPE', message: 'Expected number.' }] },
      } },
    });
  });

  it('picks the callback schema by type and refuses unknown types', () => {
    assert.deepEqual(validateBody('InteractionCallback', { type: 4, data: { content: 'ok' } }), []);
    assert.deepEqual(validateBody('InteractionCallback', { type: 8, data: { choices: [{ name: 'a', value: 'a' }] } }), []);
    assert.equal(validateBody('InteractionCallback', { type: 3 })[0]?.code, 'BASE_TYPE_CHOICES');
    assert.ok(validateBody('InteractionCallback', { type: 4, data: { content: 'x'.repeat(2001) } }).length > 0);
  });

  it('accepts string default_member_permissions as Discord does, but not other types', () => {
    assert.deepEqual(validateBody('ApplicationCommandBulkOverwrite', [{ name: 'a', description: 'a', default_member_permissions: '8' }]), []);
    assert.ok(validateBody('ApplicationCommandBulkOverwrite', [{ name: 'a', description: 'a', default_member_permissions: 'admin' }]).length > 0);
  });
});

describe('rate limiter', () => {
  it('allows `limit` per window with counting-down headers, then 429 until the window resets', () => {
    const limiter = new RateLimiter({ messages: { limit: 2, windowMs: 1000 }, routes: { limit: 9, windowMs: 1000 }, interactions: { limit: 9, windowMs: 1000 }, global: { limit: 9, windowMs: 1000 } });
    const a = limiter.takeRoute('messages', 'POST /channels/:channel_id/messages', '1', 0);
    assert.equal(a.headers['X-RateLimit-Remaining'], '1');
    assert.equal(a.headers['X-RateLimit-Reset-After'], '1.000');
    assert.equal(limiter.takeRoute('messages', 'POST /channels/:channel_id/messages', '1', 100).allowed, true);
    const limited = limiter.takeRoute('messages', 'POST /channels/:channel_id/messages', '1', 250);
    assert.equal(limited.allowed, false);
    assert.equal(limited.retryAfter, 0.75);
    assert.equal(limiter.takeRoute('messages', 'POST /channels/:channel_id/messages', '2', 250).allowed, true, 'other channel, other bucket');
    assert.equal(limiter.takeRoute('messages', 'POST /channels/:channel_id/messages', '1', 500).ignoredRetryAfter, true);
    const next = limiter.takeRoute('messages', 'POST /channels/:channel_id/messages', '1', 1000);
    assert.equal(next.allowed, true);
    assert.equal(next.ignoredRetryAfter, false);
    assert.equal(limiter.hits, 2);
  });
});
