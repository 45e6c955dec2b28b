/**
 * Custom ids for buttons and select menus: `v1|<command>|<action>|<state…>`.
 * They carry a version (so a later release can refuse or migrate old buttons) and all the state a click needs,
 * so buttons keep working after a restart without a session store. Discord caps custom ids at 100 characters.
 */

const VERSION = 'v1';
const SEP = '|';
/** Discord's limit on `custom_id`. */
export const CUSTOM_ID_MAX = 100;

/** A parsed custom id. */
export interface CustomId {
  command: string;
  action: string;
  state: string[];
}

/** Encodes a custom id; throws if it would exceed Discord's limit (a programming error, caught by tests). */
export function encodeCustomId(command: string, action: string, ...state: string[]): string {
  for (const part of [command, action, ...state]) {
    if (part.includes(SEP)) throw new Error(`custom id part contains "${SEP}": ${part}`);
  }
  const id = [VERSION, command, action, ...state].join(SEP);
  if (id.length > CUSTOM_ID_MAX) throw new Error(`custom id longer than ${CUSTOM_ID_MAX}: ${id}`);
  return id;
}

/** Decodes a custom id; `null` for ids of another version or shape (e.g. buttons from an older release). */
export function decodeCustomId(id: string): CustomId | null {
  const [version, command, action, ...state] = id.split(SEP);
  if (version !== VERSION || !command || !action) return null;
  return { command, action, state };
}
