/**
 * REST routes for the gateway, the bot's own user and application, and guild/channel lookups.
 */
import { ChannelType } from 'discord-api-types/v10';
import type { APIApplication, RESTGetAPIGatewayBotResult } from 'discord-api-types/v10';
import { channelWithPermissions, guildOrThrow } from './access.ts';
import type { RouteDef } from './core.ts';
import { Errors } from './errors.ts';
import { guildPayload } from './payloads.ts';

/** Builds the core routes; `gatewayUrl` and `shardCount` come from the running server. */
export function coreRoutes(gatewayUrl: () => string, shardCount: number): RouteDef[] {
  return [
    {
      method: 'GET', pattern: '/gateway/bot', auth: true, limit: 'routes',
      handler: () => {
        const body: RESTGetAPIGatewayBotResult = {
          url: gatewayUrl(),
          shards: shardCount,
          // A high max_concurrency lets every shard identify at once; @discordjs/ws spaces identifies 5 s apart per bucket.
          session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 16 },
        };
        return { status: 200, body };
      },
    },
    { method: 'GET', pattern: '/users/@me', auth: true, limit: 'routes', handler: ({ core }) => ({ status: 200, body: core.state.botUser }) },
    {
      method: 'GET', pattern: '/users/:user_id', auth: true, limit: 'routes',
      handler: ({ core, params }) => {
        const user = core.state.users.get(params.user_id!)?.user;
        if (!user) throw Errors.unknownUser();
        return { status: 200, body: user };
      },
    },
    {
      method: 'GET', pattern: '/applications/@me', auth: true, limit: 'routes',
      handler: ({ core }) => {
        const body = {
          id: core.state.applicationId,
          name: core.state.botUser.username,
          icon: null,
          description: '',
          bot_public: false,
          bot_require_code_grant: false,
          bot: core.state.botUser,
          verify_key: '0'.repeat(64),
          flags: 0,
          team: null,
          owner: { ...core.state.botUser, bot: false },
          summary: '',
          rpc_origins: [],
          approximate_guild_count: core.state.guilds.size,
        } as unknown as APIApplication;
        return { status: 200, body };
      },
    },
    {
      method: 'GET', pattern: '/channels/:channel_id', auth: true, limit: 'routes', major: 'channel_id',
      handler: ({ core, params }) => ({ status: 200, body: channelWithPermissions(core, params.channel_id!) }),
    },
    {
      method: 'GET', pattern: '/guilds/:guild_id', auth: true, limit: 'routes', major: 'guild_id',
      handler: ({ core, params }) => ({ status: 200, body: guildPayload(guildOrThrow(core, params.guild_id!)) }),
    },
    {
      method: 'GET', pattern: '/guilds/:guild_id/channels', auth: true, limit: 'routes', major: 'guild_id',
      handler: ({ core, params }) => {
        const guild = guildOrThrow(core, params.guild_id!);
        const channels = [...guild.channelIds]
          .map((id) => core.state.channels.get(id))
          .filter((c) => c !== undefined && c.type !== ChannelType.PublicThread && c.type !== ChannelType.PrivateThread);
        return { status: 200, body: channels };
      },
    },
    {
      method: 'GET', pattern: '/guilds/:guild_id/roles', auth: true, limit: 'routes', major: 'guild_id',
      handler: ({ core, params }) => ({ status: 200, body: [...guildOrThrow(core, params.guild_id!).roles.values()] }),
    },
    {
      method: 'GET', pattern: '/guilds/:guild_id/members', auth: true, limit: 'routes', major: 'guild_id',
      handler: ({ core, params, query }) => {
        const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 1)));
        const after = BigInt(query.get('after') ?? '0');
        const members = [...guildOrThrow(core, params.guild_id!).members.values()]
          .filter((m) => BigInt(m.user.id) > after)
          .sort((a, b) => (BigInt(a.user.id) < BigInt(b.user.id) ? -1 : 1))
          .slice(0, limit);
        return { status: 200, body: members };
      },
    },
    {
      method: 'GET', pattern: '/guilds/:guild_id/members/:user_id', auth: true, limit: 'routes', major: 'guild_id',
      handler: ({ core, params }) => {
        const member = guildOrThrow(core, params.guild_id!).members.get(params.user_id!);
        if (!member) throw Errors.unknownMember();
        return { status: 200, body: member };
      },
    },
    {
      method: 'POST', pattern: '/users/@me/channels', auth: true, limit: 'routes', schema: 'CreatePrivateChannelRequest',
      handler: ({ core, body }) => {
        const recipient = (body as { recipient_id?: unknown }).recipient_id;
        if (typeof recipient !== 'string' || !core.state.users.has(recipient)) throw Errors.unknownUser();
        return { status: 200, body: core.state.dmChannelFor(recipient) };
      },
    },
  ];
}
