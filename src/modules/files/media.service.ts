import PQueue from 'p-queue';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import type { MediaRef } from '../../transport/events.ts';
import type { MetricsRegistry } from '../../shared/metrics-registry.ts';
import type { FilesService } from './files.service.ts';
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

export function createMediaService(deps: { config: Config; logger: Logger; orm: Orm; clock: Clock; files: FilesService; metrics?: MetricsRegistry; concurrency?: number }): MediaService {
  const log = deps.logger.child({ module: 'media' });
  const queue = new PQueue({ concurrency: deps.concurrency ?? 2 });

  const run = async (job: MediaJob): Promise<void> => {
    // The one write path for client files: the files service streams, names and records it.
    const { result } = await deps.files.saveClientFile((fn) => withEm(deps.orm, fn), job.userId, { fileId: job.fileId, messageId: job.messageId, media: job.media });
    if (result.status === 'ok') log.debug({ msgId: job.messageId, size: result.size }, 'media stored');
    else {
      log.warn({ msgId: job.messageId, status: result.status, reason: result.error }, 'media not stored');
      deps.metrics?.failure('media');
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
