/**
 * Adding a digest channel, the one way: `/digest channel add` and `DIGEST_CHANNEL_IDS` both come here. Adding a
 * channel again is how it is re-enabled after its permissions were fixed: the switch-off and the failure count
 * are cleared, and what could not be delivered while it refused is queued again, once.
 */
import type { ChannelMode, ChannelRecord, PostLocale, Stores } from '../store/index.ts';

/** What the person (or the environment) asked for. */
export interface DigestChannelRequest {
  guildId: string;
  channelId: string;
  /** Sources to follow, or null for all. */
  sources: string[] | null;
  mode: ChannelMode;
  notices: boolean;
  /** A user id, or `DIGEST_CHANNEL_IDS`. */
  addedBy: string;
  /** Language of the posts (the server's); absent: en-US. */
  locale?: PostLocale;
}

/** What adding did. */
export interface DigestChannelAdded {
  channel: ChannelRecord;
  /** The record before (undefined: a new channel). */
  previous: ChannelRecord | undefined;
  /** Messages given up while the channel was switched off, queued again. */
  retried: number;
}

/** Adds a digest channel or re-enables one; the date it was first added is kept. */
export async function addDigestChannel(
  deps: { stores: Pick<Stores, 'channels' | 'outbox'>; now: () => Date },
  request: DigestChannelRequest,
): Promise<DigestChannelAdded> {
  const { stores } = deps;
  const previous = await stores.channels.get(request.channelId);
  const channel: ChannelRecord = {
    guildId: request.guildId,
    channelId: request.channelId,
    sources: request.sources,
    mode: request.mode,
    notices: request.notices,
    disabled: null,
    failures: 0,
    addedBy: request.addedBy,
    addedAt: previous?.addedAt ?? deps.now().toISOString(),
    ...(request.locale && { locale: request.locale }),
  };
  await stores.channels.put(channel);
  // Re-adding a channel that was switched off: what could not be delivered then is delivered now, once.
  const retried = previous?.disabled
    ? await stores.outbox.retryFailed((e) => e.target.kind === 'channel' && e.target.channelId === request.channelId)
    : 0;
  return { channel, previous, retried };
}
