import { createHash, randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { MediaRef } from '../../transport/events.ts';
import { extensionFor, folderOf } from './file-names.ts';
import type { StorageBackend } from './storage-backend.ts';

/**
 * Streams one media file into the storage backend under `clients/client_{id}/…`, hashing while it writes and
 * stopping at the size cap. The file is named by its SHA-256, so a client's repeated file is kept
 * once. Never throws for a bad download: the result says what happened, for the row.
 */

export type StoreStatus = 'ok' | 'failed' | 'too_large' | 'checksum_mismatch';

export interface StoreResult {
  status: StoreStatus;
  /** Relative to STORAGE_DIR (forward slashes), when stored. */
  relPath: string | null;
  sha256: string | null;
  size: number | null;
  error: string | null;
}

class TooLarge extends Error {}

/** Counts and hashes bytes as they pass; errors out past `max` so nothing more is written. */
export function meter(max: number) {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > max) return cb(new TooLarge(`más de ${max} bytes`));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex'), size: () => size };
}

export async function storeMedia(opts: { backend: StorageBackend; clientId: number; media: MediaRef; maxBytes: number }): Promise<StoreResult> {
  const { media, maxBytes, backend } = opts;
  if (media.declaredSize && media.declaredSize > maxBytes) {
    return { status: 'too_large', relPath: null, sha256: null, size: media.declaredSize, error: `El archivo ocupa ${media.declaredSize} bytes; el máximo es ${maxBytes} (MEDIA_MAX_BYTES).` };
  }
  const relDir = `clients/client_${opts.clientId}/${folderOf(media.kind)}`;
  const tmp = `${relDir}/.incoming-${randomUUID()}`;
  const m = meter(maxBytes);
  let source: Readable | null = null;
  try {
    source = await media.open();
    source.once('error', (err) => m.stream.destroy(err));
    // The meter may fail (too large) before the backend attaches its pipeline: keep that error
    // from being "unhandled"; the pipeline still sees the stream as errored and rejects.
    m.stream.on('error', () => undefined);
    await backend.put(tmp, source.pipe(m.stream));
  } catch (err) {
    source?.destroy();
    await backend.delete(tmp).catch(() => undefined);
    if (err instanceof TooLarge) {
      return { status: 'too_large', relPath: null, sha256: null, size: m.size(), error: `El archivo supera el máximo de ${maxBytes} bytes (MEDIA_MAX_BYTES).` };
    }
    return { status: 'failed', relPath: null, sha256: null, size: null, error: `Descarga fallida: ${(err as Error)?.message ?? String(err)}`.slice(0, 1000) };
  }
  const sha256 = m.digest();
  if (media.expectedSha256 && media.expectedSha256 !== sha256) {
    await backend.delete(tmp);
    return { status: 'checksum_mismatch', relPath: null, sha256, size: m.size(), error: `SHA-256 ${sha256} no coincide con el anunciado por WhatsApp (${media.expectedSha256}).` };
  }
  const key = `${relDir}/${sha256}.${extensionFor(media.mimetype, media.fileName, media.kind)}`;
  // Named by content: the same bytes from one client are kept once.
  if (await backend.exists(key)) await backend.delete(tmp);
  else await backend.move(tmp, key);
  return { status: 'ok', relPath: key, sha256, size: m.size(), error: null };
}
