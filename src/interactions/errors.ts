/**
 * Errors that carry a message for the user. Anything else thrown by a handler is a bug or an outage: the user
 * gets a generic sentence in their language and the log gets the details.
 */
import type { MessageKey } from '../i18n/index.ts';

/** An expected refusal (bad option, missing permission, nothing found): shown to the user as it is. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}
