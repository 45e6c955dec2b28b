/**
 * The setup the metadata end-to-end tests share: both metadata APIs faked, a bot world pointed at them with a short
 * lookup budget, and a member who may manage the server.
 */
import { PermissionFlagsBits } from 'discord-api-types/v10';
import { createWorld, type TestWorld } from '../helpers/bot.ts';
import { ARXIV_SAMPLES, PREPRINT_SAMPLES, startFakeArxiv, startFakeBiorxiv } from './servers.ts';

/** A world with fake arXiv and bioRxiv APIs; `close` stops all three. */
export interface MetadataWorld {
  world: TestWorld;
  arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  biorxiv: Awaited<ReturnType<typeof startFakeBiorxiv>>;
  /** A member with Manage Server. */
  admin: string;
  close(): Promise<void>;
}

/** Starts the fake APIs (arXiv answering `arxivSamples`) and a world using them (not yet deployed or started). */
export async function metadataWorld(arxivSamples = ARXIV_SAMPLES): Promise<MetadataWorld> {
  const arxiv = await startFakeArxiv(arxivSamples);
  const biorxiv = await startFakeBiorxiv(PREPRINT_SAMPLES);
  const world = await createWorld({
    env: { METADATA: 'on', ARXIV_API_URL: arxiv.apiUrl, BIORXIV_API_URL: biorxiv.url, METADATA_BUDGET_MS: '8000', METADATA_BACKOFF_MS: '200' },
  });
  const { discord } = world;
  const role = discord.addRole(discord.guildId, { name: 'admins', permissions: PermissionFlagsBits.ManageGuild });
  const admin = discord.addMember(discord.guildId, { username: 'admin', roles: [role.id] }).user.id;
  return {
    world, arxiv, biorxiv, admin,
    async close() {
      await world.close();
      await arxiv.close();
      await biorxiv.close();
    },
  };
}
