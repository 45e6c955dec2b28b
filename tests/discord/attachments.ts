/**
 * Files on messages, as Discord handles them: a multipart body carries the JSON in `payload_json` and each file
 * in a part named `files[n]`; the JSON's `attachments` array describes the uploads (by `n`) and, on an edit, the
 * existing attachments to keep. Discord refuses more than 10 attachments, a file over the upload limit (413 40005),
 * a part not named `files[n]`, an empty file name, and an `attachments` entry that names neither an upload nor an
 * attachment of the edited message.
 */
import type { APIAttachment, Snowflake } from 'discord-api-types/v10';
import { DiscordHttpError, invalidFormBody } from './errors.ts';
import type { FieldProblem } from './errors.ts';
import { isRecord } from './validation.ts';

/** One uploaded file part. */
export interface UploadedFile {
  /** The `n` of `files[n]`. */
  index: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Upload limits (Discord: 10 attachments a message; 10 MiB a file for an unboosted server). */
export interface AttachmentLimits {
  attachments: number;
  attachmentBytes: number;
}

/** Discord's values. */
export const ATTACHMENT_LIMITS: AttachmentLimits = { attachments: 10, attachmentBytes: 10 * 1024 * 1024 };

const FILE_PART = /^files\[(\d{1,3})\]$/;

/** Reads the file parts of a multipart form, refusing what Discord refuses. */
export async function readUploads(form: FormData, limits: AttachmentLimits): Promise<UploadedFile[]> {
  const files: UploadedFile[] = [];
  const problems: FieldProblem[] = [];
  for (const [name, value] of form.entries()) {
    if (name === 'payload_json') continue;
    if (typeof value === 'string') {
      problems.push({ path: [name], code: 'FILE_UPLOAD_INVALID', message: 'Expected a file.' });
      continue;
    }
    const match = FILE_PART.exec(name);
    if (!match) {
      problems.push({ path: [name], code: 'FILE_UPLOAD_INVALID', message: 'File parts are named files[n].' });
      continue;
    }
    const data = Buffer.from(await value.arrayBuffer());
    if (data.length > limits.attachmentBytes) throw new DiscordHttpError(413, { code: 40005, message: 'Request entity too large' }, true);
    files.push({ index: match[1]!, filename: value.name, contentType: value.type || 'application/octet-stream', data });
  }
  if (files.length > limits.attachments) {
    problems.push({ path: ['attachments'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.attachments} or fewer in length.` });
  }
  if (problems.length > 0) throw invalidFormBody(problems);
  return files;
}

/** Stores the bytes of each attachment the server created, so tests can read a file back. */
export class AttachmentStore {
  private readonly data = new Map<Snowflake, UploadedFile>();

  /** The uploaded file behind an attachment id. */
  get(id: Snowflake): UploadedFile | undefined {
    return this.data.get(id);
  }

  /**
   * The attachments a message ends up with. `keep` are the message's current attachments (an edit); when the
   * body has an `attachments` array, only the existing ones it names stay, as on Discord; uploads not named in
   * it are attached too.
   */
  resolve(input: {
    body: Record<string, unknown>;
    files: readonly UploadedFile[];
    keep: readonly APIAttachment[];
    channelId: Snowflake;
    nextId: () => Snowflake;
    limits: AttachmentLimits;
    /** Path prefix for error messages (`['data']` in callbacks). */
    prefix?: PropertyKey[];
  }): APIAttachment[] {
    const { body, files, keep, channelId, nextId, limits, prefix = [] } = input;
    const entries: unknown[] | undefined = Array.isArray(body.attachments) ? body.attachments : undefined;
    const byIndex = new Map(files.map((file) => [file.index, file]));
    const used = new Set<string>();
    const result: APIAttachment[] = [];
    const problems: FieldProblem[] = [];
    const create = (file: UploadedFile, entry: Record<string, unknown> | undefined): void => {
      const filename = typeof entry?.filename === 'string' && entry.filename.length > 0 ? entry.filename : file.filename;
      if (filename.length === 0) {
        problems.push({ path: [...prefix, 'attachments'], code: 'BASE_TYPE_REQUIRED', message: 'A file name is required.' });
        return;
      }
      const id = nextId();
      this.data.set(id, { ...file, filename });
      const url = `https://cdn.discordapp.com/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`;
      result.push({
        id,
        filename,
        size: file.data.length,
        url,
        proxy_url: url.replace('cdn.discordapp.com', 'media.discordapp.net'),
        content_type: file.contentType,
        ...(typeof entry?.description === 'string' ? { description: entry.description } : {}),
      });
    };
    if (entries) {
      entries.forEach((entry, i) => {
        const id = isRecord(entry) && (typeof entry.id === 'string' || typeof entry.id === 'number') ? String(entry.id) : undefined;
        const upload = id === undefined ? undefined : byIndex.get(id);
        const existing = id === undefined ? undefined : keep.find((a) => a.id === id);
        if (upload && !used.has(upload.index)) {
          used.add(upload.index);
          create(upload, entry as Record<string, unknown>);
        } else if (existing) {
          result.push(existing);
        } else {
          problems.push({ path: [...prefix, 'attachments', i, 'id'], code: 'ATTACHMENT_NOT_FOUND', message: 'Unknown attachment.' });
        }
      });
    } else {
      result.push(...keep);
    }
    for (const file of files) if (!used.has(file.index)) create(file, undefined);
    if (result.length > limits.attachments) {
      problems.push({ path: [...prefix, 'attachments'], code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${limits.attachments} or fewer in length.` });
    }
    if (problems.length > 0) throw invalidFormBody(problems);
    return result;
  }
}

/** What a route needs to resolve a body's attachments. */
export interface AttachmentRequest {
  attachments: AttachmentStore;
  attachmentLimits: AttachmentLimits;
  nextId: () => Snowflake;
}

/**
 * The attachments of a new message, or of an edited one (`keep` = its current ones); `undefined` when an edit
 * touches no attachments (neither files nor an `attachments` array), so they stay as they are.
 */
export function attachmentsFor(
  server: AttachmentRequest,
  input: { body: Record<string, unknown>; files: readonly UploadedFile[]; channelId: Snowflake; keep?: readonly APIAttachment[]; prefix?: PropertyKey[] },
): APIAttachment[] | undefined {
  const editing = input.keep !== undefined;
  if (editing && input.files.length === 0 && !Array.isArray(input.body.attachments)) return undefined;
  return server.attachments.resolve({
    body: input.body,
    files: input.files,
    keep: input.keep ?? [],
    channelId: input.channelId,
    nextId: server.nextId,
    limits: server.attachmentLimits,
    ...(input.prefix ? { prefix: input.prefix } : {}),
  });
}
