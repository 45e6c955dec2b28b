/**
 * Snowflake ids shaped like Discord's: a millisecond timestamp since the Discord epoch shifted left 22 bits,
 * plus an increment. They must look real because @discordjs/rest only recognises 17–19 digit ids as
 * major parameters when it groups requests into rate-limit buckets.
 */

/** Discord's epoch (2015-01-01T00:00:00Z) in milliseconds. */
export const DISCORD_EPOCH = 1420070400000n;

/** Creates snowflakes that are unique within one generator and increase monotonically. */
export function snowflakeGenerator(): () => string {
  let last = 0n;
  return () => {
    const fromTime = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
    // Never hand out the same id twice, even for many ids within one millisecond.
    last = fromTime > last ? fromTime : last + 1n;
    return last.toString();
  };
}

/** The shard a guild belongs to, as Discord routes it: `(guild_id >> 22) % shard_count`. */
export function shardForGuild(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}
