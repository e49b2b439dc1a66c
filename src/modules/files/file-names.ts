import { withoutBidi } from '../../shared/text.ts';
import type { MediaKind } from '../../transport/events.ts';
import type { FILE_TYPES } from './client-file-storage.entity.ts';

/**
 * Names and places for stored media. Sender-supplied file names are kept only as sanitized
 * metadata (`original_filename`); on disk a file is named by its SHA-256, so the same bytes from
 * one client are stored once and nothing a sender types can become a path.
 */

export type FileType = (typeof FILE_TYPES)[number];

export function fileTypeOf(kind: MediaKind): FileType {
  return kind === 'sticker' ? 'image' : kind;
}

/** Folder under `clients/client_{id}/`: images, videos and audio under media/, documents apart. */
export function folderOf(kind: MediaKind): string {
  switch (kind) {
    case 'image':
    case 'sticker':
      return 'media/images';
    case 'video':
      return 'media/videos';
    case 'audio':
      return 'media/audio';
    default:
      return 'documents';
  }
}

const EXT_BY_MIME: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/zip': 'zip',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/**
 * Extension for the stored file: from the mime type (parameters such as `; codecs=opus` ignored),
 * else from the sanitized original name, else `bin`. Always short and alphanumeric.
 */
export function extensionFor(mimetype: string | null | undefined, fileName?: string | null, kind?: MediaKind): string {
  const base = mimetype?.split(';')[0]?.trim().toLowerCase();
  if (base && EXT_BY_MIME[base]) return EXT_BY_MIME[base];
  const fromName = fileName ? /\.([a-z0-9]{1,8})$/i.exec(fileName)?.[1]?.toLowerCase() : undefined;
  if (fromName) return fromName;
  if (kind === 'sticker') return 'webp';
  return 'bin';
}

/**
 * A sender's file name made safe to store and show: no directories, no control characters, no
 * bidirectional overrides (which make `factura\u202Efdp.exe` display as `factura.exe.pdf`), no
 * leading dots, at most 200 characters (whole code points). Null when nothing usable is left.
 */
export function sanitizeFileName(name: string | null | undefined): string | null {
  if (typeof name !== 'string' || !name) return null;
  const last = name.split(/[\\/]/).pop() ?? '';
  const cleaned = withoutBidi(last.normalize('NFC'))
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  const short = Array.from(cleaned).slice(0, 200).join('').trim();
  return short.length ? short : null;
}
