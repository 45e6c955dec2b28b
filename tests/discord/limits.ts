/**
 * Documented Discord limits that the OpenAPI spec does not express: the 6000-character budget across a
 * message's embeds, per-field embed limits, the 2000-character content limit for bots, and component limits.
 * Each check returns Discord-style field problems so the server can answer 400 50035.
 */
import type { FieldProblem } from './errors.ts';
import { isRecord } from './validation.ts';

/** The numeric limits, overridable per server for tests that probe edges. */
export interface MessageLimits {
  content: number;
  embeds: number;
  embedTotal: number;
  title: number;
  description: number;
  fields: number;
  fieldName: number;
  fieldValue: number;
  footer: number;
  authorName: number;
  actionRows: number;
  componentsPerRow: number;
  customId: number;
  selectOptions: number;
  buttonLabel: number;
}

/** Discord's published limits. */
export const DISCORD_LIMITS: MessageLimits = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  actionRows: 5,
  componentsPerRow: 5,
  customId: 100,
  selectOptions: 25,
  buttonLabel: 80,
};

/** Checks a message-like body (message create/edit, webhook, interaction callback `data`). */
export function checkMessageLimits(body: unknown, limits: MessageLimits = DISCORD_LIMITS, prefix: PropertyKey[] = []): FieldProblem[] {
  if (!isRecord(body)) return [];
  const problems: FieldProblem[] = [];
  const at = (...path: PropertyKey[]): PropertyKey[] => [...prefix, ...path];
  const tooLong = (path: PropertyKey[], max: number): void => {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` });
  };
  if (typeof body.content === 'string' && [...body.content].length > limits.content) tooLong(at('content'), limits.content);

  if (Array.isArray(body.embeds)) {
    if (body.embeds.length > limits.embeds) tooLong(at('embeds'), limits.embeds);
    let total = 0;
    body.embeds.forEach((embed: unknown, i) => {
      if (!isRecord(embed)) return;
      const len = (v: unknown): number => (typeof v === 'string' ? [...v].length : 0);
      const check = (v: unknown, max: number, ...path: PropertyKey[]): void => {
        total += len(v);
        if (len(v) > max) tooLong(at('embeds', i, ...path), max);
      };
      check(embed.title, limits.title, 'title');
      check(embed.description, limits.description, 'description');
      if (isRecord(embed.footer)) check(embed.footer.text, limits.footer, 'footer', 'text');
      if (isRecord(embed.author)) check(embed.author.name, limits.authorName, 'author', 'name');
      if (Array.isArray(embed.fields)) {
        if (embed.fields.length > limits.fields) tooLong(at('embeds', i, 'fields'), limits.fields);
        embed.fields.forEach((field: unknown, j) => {
          if (!isRecord(field)) return;
          check(field.name, limits.fieldName, 'fields', j, 'name');
          check(field.value, limits.fieldValue, 'fields', j, 'value');
        });
      }
    });
    if (total > limits.embedTotal) {
      problems.push({ path: at('embeds'), code: 'MAX_EMBED_SIZE_EXCEEDED', message: `Embed size exceeds maximum size of ${limits.embedTotal}` });
    }
  }

  if (Array.isArray(body.components)) problems.push(...checkComponents(body.components, limits, at('components')));
  return problems;
}

/** Action rows, their children, custom ids and select options. */
function checkComponents(rows: unknown[], limits: MessageLimits, path: PropertyKey[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const actionRows = rows.filter((row) => isRecord(row) && row.type === 1);
  if (actionRows.length > limits.actionRows) {
    problems.push({ path, code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.actionRows} or fewer in length.` });
  }
  rows.forEach((row, i) => {
    if (!isRecord(row) || row.type !== 1 || !Array.isArray(row.components)) return;
    const children = row.components as unknown[];
    if (children.length > limits.componentsPerRow) {
      problems.push({ path: [...path, i, 'components'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.componentsPerRow} or fewer in length.` });
    }
    const hasSelect = children.some((c) => isRecord(c) && typeof c.type === 'number' && c.type >= 3 && c.type !== 4);
    if (hasSelect && children.length > 1) {
      problems.push({ path: [...path, i, 'components'], code: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', message: 'The specified component exceeds the maximum width' });
    }
    children.forEach((child, j) => {
      if (!isRecord(child)) return;
      const here = [...path, i, 'components', j];
      if (typeof child.custom_id === 'string' && child.custom_id.length > limits.customId) {
        problems.push({ path: [...here, 'custom_id'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.customId} or fewer in length.` });
      }
      if (child.type === 2 && typeof child.label === 'string' && child.label.length > limits.buttonLabel) {
        problems.push({ path: [...here, 'label'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.buttonLabel} or fewer in length.` });
      }
      if (Array.isArray(child.options) && child.options.length > limits.selectOptions) {
        problems.push({ path: [...here, 'options'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.selectOptions} or fewer in length.` });
      }
    });
  });
  return problems;
}

/** Whether a message body would render as nothing (Discord answers 50006). */
export function isEmptyMessage(body: Record<string, unknown>): boolean {
  const nonEmpty = (v: unknown): boolean => (typeof v === 'string' ? v.length > 0 : Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null);
  return !['content', 'embeds', 'components', 'attachments', 'sticker_ids', 'poll'].some((key) => nonEmpty(body[key]));
}

/**
 * Rules for chat-input commands that the spec leaves to prose: lowercase names matching Discord's pattern,
 * a description, required options before optional ones, and unique names in a bulk overwrite.
 */
export function checkCommands(commands: unknown[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  commands.forEach((command, i) => {
    if (!isRecord(command)) return;
    const type = typeof command.type === 'number' ? command.type : 1;
    const name = typeof command.name === 'string' ? command.name : '';
    const key = `${type}:${name}`;
    if (seen.has(key)) problems.push({ path: [i, 'name'], code: 'APPLICATION_COMMANDS_DUPLICATE_NAME', message: `Application command names must be unique` });
    seen.add(key);
    if (type === 1) problems.push(...checkChatInput(command, [i]));
  });
  return problems;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkChatInput(node: Record<string, unknown>, path: PropertyKey[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const checkName = (value: unknown, where: PropertyKey[]): void => {
    if (typeof value === 'string' && (!NAME.test(value) || value !== value.toLowerCase())) {
      problems.push({ path: where, code: 'APPLICATION_COMMAND_INVALID_NAME', message: `Command name is invalid` });
    }
  };
  checkName(node.name, [...path, 'name']);
  if (isRecord(node.name_localizations)) {
    for (const [locale, value] of Object.entries(node.name_localizations)) checkName(value, [...path, 'name_localizations', locale]);
  }
  if (typeof node.description !== 'string' || node.description.length === 0) {
    problems.push({ path: [...path, 'description'], code: 'BASE_TYPE_REQUIRED', message: 'This field is required' });
  }
  if (Array.isArray(node.options)) {
    let optionalSeen = false;
    node.options.forEach((option: unknown, j) => {
      if (!isRecord(option)) return;
      const isGroup = option.type === 1 || option.type === 2;
      if (!isGroup) {
        if (option.required === true && optionalSeen) {
          problems.push({ path: [...path, 'options', j, 'required'], code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID', message: 'Required options must be placed before non-required options' });
        }
        if (option.required !== true) optionalSeen = true;
      }
      problems.push(...checkChatInput(option, [...path, 'options', j]));
    });
  }
  return problems;
}
