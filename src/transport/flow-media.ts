import { basename, extname } from 'node:path';
import type { Reply } from './types.ts';

const IMAGE_EXT = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif']);
const MIME: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.csv': 'text/csv',
  '.txt': 'text/plain',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.zip': 'application/zip',
};

/** A BuilderBot `media` option (a local file path) as our Reply: images inline, the rest as documents. */
export function mediaReply(path: string, caption: string): Reply {
  const ext = extname(path).toLowerCase();
  const text = caption && !caption.startsWith('_event_') ? caption : undefined;
  if (IMAGE_EXT.has(ext)) return { kind: 'image', path, caption: text };
  return { kind: 'document', path, fileName: basename(path), mimetype: MIME[ext] ?? 'application/octet-stream', caption: text };
}
