import type { FastifyReply } from 'fastify';
import type { OpenedFile } from '../../modules/files/file-access.service.ts';

/**
 * Streaming a stored file to the client. The name comes from a sender (WhatsApp document name),
 * so the plain `filename` is an ASCII-only, quote-free fallback and the real name travels in
 * RFC 5987's `filename*` (UTF-8, percent-encoded), which every current browser prefers.
 */

const encodeRfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function contentDisposition(fileName: string, type: 'attachment' | 'inline' = 'attachment'): string {
  const clean = fileName.replace(/[\u0000-\u001f\u007f]/g, '').replace(/[\\/]/g, '_').trim() || 'archivo';
  const ascii = clean
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\;]/g, '_');
  const header = `${type}; filename="${ascii}"`;
  return ascii === clean ? header : `${header}; filename*=UTF-8''${encodeRfc5987(clean)}`;
}

export function sendFile(reply: FastifyReply, file: OpenedFile): FastifyReply {
  reply
    .header('content-type', file.mimeType)
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.fileName))
    // Downloads are personal data: never cached by shared caches.
    .header('cache-control', 'private, no-store');
  return reply.send(file.stream);
}

export const binaryResponse = {
  description: 'El archivo',
  content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
} as const;
