import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { Usuario } from '../identity/usuario.entity.ts';
import { ClientFileStorage, type IClientFileStorage } from './client-file-storage.entity.ts';
import type { Actor, FilesContext } from './files.service.ts';

/**
 * Retention (UC-004) and integrity checks. Retention: a file older than its `retention_days`
 * (the per-type default from FILE_RETENTION_DAYS when the row has none; 0 keeps it) is deleted
 * from storage and its row marked `expired_at` — the row stays as the record of what was
 * removed. A client under legal hold keeps everything. Bytes shared by several rows (the same
 * file sent twice) are deleted only when no live row still needs them.
 */

const BATCH = 500;
const DAY_MS = 86_400_000;

export interface RetentionResult {
  expired: number;
  deletedFiles: number;
  keptOnHold: number;
}

export interface VerifyProgress {
  total: number;
  done: number;
}

export interface VerifyProblem {
  fileId: string;
  path: string;
  problem: 'missing' | 'corrupted';
}

export interface VerifyResult {
  checked: number;
  problems: VerifyProblem[];
  fixed: number;
}

export function createRetention(ctx: FilesContext) {
  const { deps, backend } = ctx;
  const system: Actor = { userId: null, phone: null, channel: 'system' };

  const daysOf = (f: IClientFileStorage) => f.retentionDays ?? deps.config.FILE_RETENTION_DAYS[f.fileType] ?? 0;

  return {
    async applyRetention(em: EntityManager, now: Date = deps.clock.now()): Promise<RetentionResult> {
      const result: RetentionResult = { expired: 0, deletedFiles: 0, keptOnHold: 0 };
      const removed: string[] = [];
      const held = new Set((await em.find(Usuario, { legalHold: true } as never, { fields: ['id'] })).map((u) => u.id));
      let lastCreated = new Date(0);
      let lastId = '';
      for (;;) {
        // Keyset paging on (created_at, file_id): rows marked expired drop out of later pages.
        const rows = await em.find(
          ClientFileStorage,
          { expiredAt: null, downloadStatus: 'ok', ...(lastId ? { $or: [{ createdAt: { $gt: lastCreated } }, { createdAt: lastCreated, fileId: { $gt: lastId } }] } : {}) } as never,
          { orderBy: { createdAt: 'asc', fileId: 'asc' }, limit: BATCH },
        );
        for (const f of rows) {
          const days = daysOf(f);
          if (!days || f.createdAt.getTime() + days * DAY_MS > now.getTime()) continue;
          const clienteId = (f.cliente as { id: number }).id;
          if (held.has(clienteId)) {
            result.keptOnHold++;
            continue;
          }
          f.expiredAt = now;
          result.expired++;
          removed.push(f.fileId);
          await em.flush();
          const stillUsed = await em.count(ClientFileStorage, { filePath: f.filePath, expiredAt: null, downloadStatus: 'ok' } as never);
          if (f.filePath && !stillUsed) {
            await backend.delete(f.filePath);
            result.deletedFiles++;
          }
        }
        if (rows.length < BATCH) break;
        lastCreated = rows.at(-1)!.createdAt;
        lastId = rows.at(-1)!.fileId;
        em.clear();
      }
      if (result.expired || result.keptOnHold) {
        ctx.log.info({ ...result }, 'retention: expired client files removed');
        await ctx.audit(em, system, { action: 'files.retention', outcome: 'success', details: { ...result, fileIds: removed.slice(0, 50) } });
      }
      return result;
    },

    /** Re-hashes every stored file; `fix` marks broken rows `failed` so the media repair job fetches them again. */
    async verifyFiles(em: EntityManager, opts: { fix?: boolean; onProgress?(p: VerifyProgress): void } = {}): Promise<VerifyResult> {
      const where = { downloadStatus: 'ok', expiredAt: null } as never;
      const total = await em.count(ClientFileStorage, where);
      const out: VerifyResult = { checked: 0, problems: [], fixed: 0 };
      let offsetId = '';
      for (;;) {
        const rows = await em.find(ClientFileStorage, { ...(where as object), ...(offsetId ? { fileId: { $gt: offsetId } } : {}) } as never, { orderBy: { fileId: 'asc' }, limit: BATCH });
        for (const f of rows) {
          let problem: VerifyProblem['problem'] | null = null;
          const got = f.filePath ? await backend.get(f.filePath).catch(() => null) : null;
          if (!got) problem = 'missing';
          else {
            const hash = createHash('sha256');
            for await (const chunk of got.stream) hash.update(chunk as Buffer);
            if (f.checksumSha256 && hash.digest('hex') !== f.checksumSha256) problem = 'corrupted';
          }
          out.checked++;
          if (problem) {
            out.problems.push({ fileId: f.fileId, path: f.filePath, problem });
            if (opts.fix) {
              await em.nativeUpdate(ClientFileStorage, { fileId: f.fileId }, { downloadStatus: 'failed', downloadError: `files verify: ${problem === 'missing' ? 'falta en el almacenamiento' : 'SHA-256 distinto'}`, updatedAt: new Date() });
              out.fixed++;
            }
          }
          opts.onProgress?.({ total, done: out.checked });
        }
        if (rows.length < BATCH) break;
        offsetId = rows.at(-1)!.fileId;
        em.clear();
      }
      return out;
    },
  };
}
