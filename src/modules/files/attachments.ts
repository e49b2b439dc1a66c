import type { EntityManager } from '@mikro-orm/sql';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { openInsideStorage } from './file-access.service.ts';
import type { MediaService } from './media.service.ts';

/**
 * The bytes of a file that came with a command (`/segmento importar` with a CSV attached). The
 * message was logged before the command ran and its download queued; this waits for the media
 * queue, then reads the stored copy through the same STORAGE_DIR confinement as downloads.
 */
export async function readAttachment(em: EntityManager, deps: { media: MediaService; storageDir: string }, messageId: string, maxBytes: number): Promise<Buffer> {
  await deps.media.drain();
  const row = await em.findOne(ClientFileStorage, { messageId } as never, { refresh: true } as never);
  if (!row || row.downloadStatus !== 'ok' || !row.filePath) {
    throw new ValidationError(t('segments.import.not_ready', { status: row?.downloadStatus ?? 'sin archivo' }), undefined, 'ATTACHMENT_NOT_READY');
  }
  const file = await openInsideStorage(deps.storageDir, row.filePath);
  if (!file) throw new ValidationError(t('segments.import.not_ready', { status: 'missing' }), undefined, 'ATTACHMENT_NOT_READY');
  try {
    if (file.size > maxBytes) throw new ValidationError(t('segments.import.file_too_big', { max: maxBytes }), undefined, 'ATTACHMENT_TOO_BIG');
    return await file.handle.readFile();
  } finally {
    await file.handle.close();
  }
}
