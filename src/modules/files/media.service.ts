import PQueue from 'p-queue';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import type { MediaRef } from '../../transport/events.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { storableSize } from '../messaging/storable.ts';
import { storeMedia, type StoreResult } from './media-store.ts';
import { findRepairCandidates, repairJob, type RepairOpener } from './media-repair.ts';

/**
 * Downloads media after its message is logged (the `client_file_storage` row already exists with
 * `download_status = 'pending'`), off the reply path, a few at a time. The outcome — stored, too
 * large, failed, checksum mismatch — is recorded on the row; the message row is never touched.
 */

export interface MediaJob {
  fileId: string;
  userId: number;
  messageId: string;
  media: MediaRef;
}

export interface MediaService {
  enqueue(jobs: MediaJob[]): void;
  /** Resolves when every queued download has finished and its row is updated. */
  drain(): Promise<void>;
  pending(): number;
  /** Tries failed and mismatched downloads again with `open` (live: Baileys + media re-upload); returns how many were queued. */
  retryFailed(open: RepairOpener, limit?: number): Promise<number>;
}

export function createMediaService(deps: { config: Config; logger: Logger; orm: Orm; clock: Clock; metrics?: MetricsRegistry; concurrency?: number }): MediaService {
  const log = deps.logger.child({ module: 'media' });
  const queue = new PQueue({ concurrency: deps.concurrency ?? 2 });

  const record = async (job: MediaJob, result: StoreResult): Promise<void> => {
    await withEm(deps.orm, (em) =>
      em.nativeUpdate(ClientFileStorage, { fileId: job.fileId }, {
        downloadStatus: result.status,
        downloadError: result.error,
        filePath: result.relPath ?? '',
        checksumSha256: result.sha256,
        // A sender's absurd announced size (too_large) is kept in the reason only.
        fileSize: storableSize(result.size),
        uploadTimestamp: result.status === 'ok' ? deps.clock.now() : null,
        updatedAt: new Date(),
      }),
    );
  };

  const run = async (job: MediaJob): Promise<void> => {
    const result = await storeMedia({ storageDir: deps.config.STORAGE_DIR, clientId: job.userId, media: job.media, maxBytes: deps.config.MEDIA_MAX_BYTES });
    if (result.status === 'ok') log.debug({ msgId: job.messageId, size: result.size }, 'media stored');
    else {
      log.warn({ msgId: job.messageId, status: result.status, reason: result.error }, 'media not stored');
      deps.metrics?.failure('media');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await record(job, result);
        return;
      } catch (err) {
        if (attempt >= 3) {
          log.error({ err, msgId: job.messageId, fileId: job.fileId }, 'could not record media outcome');
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  };

  const enqueue = (jobs: MediaJob[]) => {
    for (const job of jobs) void queue.add(() => run(job)).catch((err) => log.error({ err, msgId: job.messageId }, 'media job crashed'));
  };

  return {
    enqueue,
    async retryFailed(open, limit = 50) {
      const candidates = await withEm(deps.orm, (em) => findRepairCandidates(em, limit, deps.clock.now()));
      const jobs = candidates.map((c) => repairJob(c, open)).filter((j): j is MediaJob => j !== null);
      enqueue(jobs);
      if (jobs.length) log.info({ files: jobs.length }, 'retrying failed media downloads');
      return jobs.length;
    },
    drain: () => queue.onIdle(),
    pending: () => queue.size + queue.pending,
  };
}
