/**
 * REST routes for application command registration, global and per guild: list, create one, bulk overwrite.
 * Bodies are validated against the spec and Discord's prose rules; ids are kept for commands whose name and
 * type survive an overwrite, as Discord does.
 */
import { ApplicationCommandType } from 'discord-api-types/v10';
import type { APIApplicationCommand } from 'discord-api-types/v10';
import { guildOrThrow } from './access.ts';
import type { RouteContext, RouteDef } from './core.ts';
import { discordError, Errors, invalidFormBody } from './errors.ts';
import { checkCommands } from './limits.ts';

/** Builds the command routes. */
export function commandRoutes(): RouteDef[] {
  const routes: RouteDef[] = [];
  for (const scoped of [false, true]) {
    const pattern = scoped ? '/applications/:application_id/guilds/:guild_id/commands' : '/applications/:application_id/commands';
    routes.push(
      { method: 'GET', pattern, auth: true, limit: 'routes', handler: (ctx) => ({ status: 200, body: list(ctx) }) },
      {
        method: 'PUT', pattern, auth: true, limit: 'routes', schema: 'ApplicationCommandBulkOverwrite',
        handler: (ctx) => {
          const input = (ctx.body ?? []) as Record<string, unknown>[];
          const problems = checkCommands(input);
          if (problems.length > 0) throw invalidFormBody(problems);
          const old = list(ctx);
          const saved = input.map((command) => toCommand(ctx, command, old));
          ctx.core.state.commands.set(scope(ctx), saved);
          return { status: 200, body: saved };
        },
      },
      {
        method: 'POST', pattern, auth: true, limit: 'routes', schema: 'ApplicationCommandCreateRequest',
        handler: (ctx) => {
          const input = ctx.body as Record<string, unknown>;
          const problems = checkCommands([input]).map((p) => ({ ...p, path: p.path.slice(1) }));
          if (problems.length > 0) throw invalidFormBody(problems);
          const old = list(ctx);
          const command = toCommand(ctx, input, old);
          const existed = old.some((c) => c.id === command.id);
          ctx.core.state.commands.set(scope(ctx), [...old.filter((c) => c.id !== command.id), command]);
          return { status: existed ? 200 : 201, body: command };
        },
      },
      {
        method: 'GET', pattern: `${pattern}/:command_id`, auth: true, limit: 'routes',
        handler: (ctx) => ({ status: 200, body: one(ctx) }),
      },
      {
        method: 'PATCH', pattern: `${pattern}/:command_id`, auth: true, limit: 'routes', schema: 'ApplicationCommandPatchRequestPartial',
        handler: (ctx) => {
          const current = one(ctx);
          const merged = { ...current, ...(ctx.body as Record<string, unknown>) } as Record<string, unknown>;
          const problems = checkCommands([merged]).map((p) => ({ ...p, path: p.path.slice(1) }));
          if (problems.length > 0) throw invalidFormBody(problems);
          const updated = { ...toCommand(ctx, merged, list(ctx)), id: current.id };
          ctx.core.state.commands.set(scope(ctx), list(ctx).map((c) => (c.id === current.id ? updated : c)));
          return { status: 200, body: updated };
        },
      },
      {
        method: 'DELETE', pattern: `${pattern}/:command_id`, auth: true, limit: 'routes',
        handler: (ctx) => {
          const current = one(ctx);
          ctx.core.state.commands.set(scope(ctx), list(ctx).filter((c) => c.id !== current.id));
          return { status: 204 };
        },
      },
    );
  }
  return routes;
}

function one(ctx: RouteContext): APIApplicationCommand {
  const command = list(ctx).find((c) => c.id === ctx.params.command_id);
  if (!command) throw discordError(404, 10063, 'Unknown application command');
  return command;
}

function scope(ctx: RouteContext): string {
  if (ctx.params.application_id !== ctx.core.state.applicationId) throw Errors.unknownApplication();
  if (ctx.params.guild_id) guildOrThrow(ctx.core, ctx.params.guild_id);
  return ctx.params.guild_id ?? 'global';
}

function list(ctx: RouteContext): APIApplicationCommand[] {
  return ctx.core.state.commands.get(scope(ctx)) ?? [];
}

/** The stored command: the request plus the fields Discord adds (id, version, defaults). */
function toCommand(ctx: RouteContext, input: Record<string, unknown>, old: APIApplicationCommand[]): APIApplicationCommand {
  const type = typeof input.type === 'number' ? input.type : ApplicationCommandType.ChatInput;
  const previous = old.find((c) => c.name === input.name && c.type === type);
  const perms = input.default_member_permissions;
  return {
    id: previous?.id ?? ctx.core.state.nextId(),
    application_id: ctx.core.state.applicationId,
    version: ctx.core.state.nextId(),
    type,
    name: String(input.name),
    name_localizations: (input.name_localizations as APIApplicationCommand['name_localizations']) ?? null,
    description: typeof input.description === 'string' ? input.description : '',
    description_localizations: (input.description_localizations as APIApplicationCommand['description_localizations']) ?? null,
    options: (input.options as APIApplicationCommand['options']) ?? [],
    default_member_permissions: perms === undefined || perms === null ? null : String(perms),
    dm_permission: input.dm_permission === undefined ? true : Boolean(input.dm_permission),
    contexts: (input.contexts as APIApplicationCommand['contexts']) ?? null,
    integration_types: (input.integration_types as APIApplicationCommand['integration_types']) ?? [0],
    nsfw: input.nsfw === true,
    ...(ctx.params.guild_id ? { guild_id: ctx.params.guild_id } : {}),
  } as APIApplicationCommand;
}
