import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import type { Clock } from '../../shared/clock.ts';
import type { AuditEntry } from '../../services.ts';
import type { MediaRef } from '../../transport/events.ts';
import { ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { AuditLog, type IAuditLog } from '../identity/audit-log.entity.ts';
import { ClientFileStorage, FILE_TYPES, type IClientFileStorage } from './client-file-storage.entity.ts';
import { storableSize } from '../messaging/storable.ts';
import { createFileAccessService, type OpenedFile, type Reader } from './file-access.service.ts';
import { ensureClientTree } from './client-tree.ts';
import { fileTypeOf, sanitizeFileName, type FileType } from './file-names.ts';
import { storeMedia, type StoreResult } from './media-store.ts';
import { createLocalBackend, type StorageBackend } from './storage-backend.ts';
import { createArchiver, type ArchiveFormat, type ArchiveResult } from './archive.ts';
import { createBackups, type BackupResult } from './backup.ts';
import { createRetention, type RetentionResult, type VerifyProgress, type VerifyResult } from './retention.ts';

/**
 * The one files service: every byte written under `clients/` goes through `saveClientFile`
 * (transport media downloads included), every read through `openFile`/`openArchive` (counted
 * and audited), whether it comes from chat, HTTP or an export.
 */

export interface FilesDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  audit?: { record(em: EntityManager, entry: AuditEntry): Promise<void> };
  backend?: StorageBackend;
}

export interface FileData {
  /** The pending row to fill (media downloads); a new row is created when absent. */
  fileId?: string;
  messageId?: string | null;
  media: MediaRef;
}

export interface FileFilter {
  type?: FileType;
  from?: Date;
  /** Exclusive. */
  to?: Date;
  archived?: boolean;
  limit?: number;
  offset?: number;
}

import type { Actor } from '../identity/audit.service.ts';
export type { Actor };

export const MAX_PAGE = 500;

export function createFilesService(deps: FilesDeps) {
  const backend = deps.backend ?? createLocalBackend(deps.config.STORAGE_DIR);
  const log = deps.logger.child({ module: 'files' });
  const access = createFileAccessService({ storageDir: deps.config.STORAGE_DIR, clock: deps.clock, audit: deps.audit });
  const audit = async (em: EntityManager, actor: Actor, entry: Omit<AuditEntry, 'actorId' | 'actorPhone' | 'channel'>) =>
    deps.audit?.record(em, { ...entry, actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel });
  const retentionFor = (type: FileType): number | null => deps.config.FILE_RETENTION_DAYS[type] || null;
  const ctx = { deps, backend, log, audit };
  const archiver = createArchiver(ctx);
  const backups = createBackups(ctx);
  const retention = createRetention(ctx);

  async function record(em: EntityManager, clienteId: number, data: FileData, result: StoreResult): Promise<string> {
    const values = {
      downloadStatus: result.status,
      downloadError: result.error,
      filePath: result.relPath ?? '',
      checksumSha256: result.sha256,
      // A sender's absurd announced size (too_large) is kept in the reason only.
      fileSize: storableSize(result.size),
      uploadTimestamp: result.status === 'ok' ? deps.clock.now() : null,
      updatedAt: new Date(),
    };
    if (data.fileId) {
      await em.nativeUpdate(ClientFileStorage, { fileId: data.fileId }, values);
      return data.fileId;
    }
    const type = fileTypeOf(data.media.kind);
    const row = em.create(ClientFileStorage, {
      ...values,
      cliente: em.getReference(Usuario, clienteId),
      messageId: data.messageId ?? null,
      fileType: type,
      mimeType: data.media.mimetype?.slice(0, 100) ?? null,
      originalFilename: sanitizeFileName(data.media.fileName),
      retentionDays: retentionFor(type),
      storageLocation: backend.location,
      createdAt: deps.clock.now(),
    } as never) as IClientFileStorage;
    await em.flush();
    return row.fileId;
  }

  return {
    backend,

    /**
     * PRD `saveClientFile(clienteId, fileData)`: streams the bytes into the client's tree (named
     * by SHA-256, deduplicated per client) and records the outcome on the row. A bad download
     * never throws: the row says what happened. `em` is a fresh context per attempt, because the
     * stream can be read once but the row write may have to be retried.
     */
    async saveClientFile(withEm: <T>(fn: (em: EntityManager) => Promise<T>) => Promise<T>, clienteId: number, data: FileData): Promise<{ fileId: string | null; result: StoreResult }> {
      await ensureClientTree(deps.config.STORAGE_DIR, clienteId);
      const result = await storeMedia({ backend, clientId: clienteId, media: data.media, maxBytes: deps.config.MEDIA_MAX_BYTES });
      for (let attempt = 1; ; attempt++) {
        try {
          return { fileId: await withEm((em) => record(em, clienteId, data, result)), result };
        } catch (err) {
          if (attempt >= 3) {
            log.error({ err, msgId: data.messageId, fileId: data.fileId }, 'could not record the stored file');
            return { fileId: null, result };
          }
          await new Promise((r) => setTimeout(r, 100 * attempt));
        }
      }
    },

    /** PRD `getClientFiles(clienteId, filter)`: type, date range, archived, paging (newest first). */
    async getClientFiles(em: EntityManager, clienteId: number, filter: FileFilter = {}): Promise<{ items: IClientFileStorage[]; total: number; limit: number; offset: number }> {
      if (filter.type && !FILE_TYPES.includes(filter.type)) throw new ValidationError(t('files.bad_type', { value: String(filter.type), types: FILE_TYPES.join(', ') }));
      if (filter.from && filter.to && filter.from >= filter.to) throw new ValidationError(t('files.bad_range'));
      const limit = Math.min(Math.max(filter.limit ?? 20, 1), MAX_PAGE);
      const offset = Math.max(filter.offset ?? 0, 0);
      const where: Record<string, unknown> = { cliente: clienteId };
      if (filter.type) where.fileType = filter.type;
      if (filter.archived !== undefined) where.isArchived = filter.archived;
      if (filter.from || filter.to) where.createdAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
      const [items, total] = await em.findAndCount(ClientFileStorage, where as never, { orderBy: { createdAt: 'desc', fileId: 'asc' }, limit, offset });
      return { items, total, limit, offset };
    },

    /** A stored file for reading: permission and path checked, `accessed_count` + audit row. */
    openFile(em: EntityManager, reader: Reader, fileId: string, via: Actor['channel']): Promise<OpenedFile> {
      return access.openClientFile(em, reader, fileId, via);
    },

    getFileRow: (em: EntityManager, fileId: string) => em.findOne(ClientFileStorage, { fileId }),

    /** Who read this client's files and archives, newest first (`/archivo auditoria`). */
    async accessLog(em: EntityManager, clienteId: number, limit = 20): Promise<IAuditLog[]> {
      const isPg = deps.config.db.kind === 'postgresql';
      const cond = isPg ? `(details->>'clienteId') = ?` : `json_extract(details, '$.clienteId') = ?`;
      const rows = (await em.execute(
        `select id from audit_log where action in ('files.download', 'files.archive_read', 'files.export') and ${cond} order by id desc limit ?`,
        [isPg ? String(clienteId) : clienteId, Math.min(limit, MAX_PAGE)],
      )) as Array<{ id: number }>;
      if (!rows.length) return [];
      return em.find(AuditLog, { id: { $in: rows.map((r) => Number(r.id)) } }, { orderBy: { id: 'desc' } });
    },

    archiveConversation: archiver.archiveConversation,
    restoreArchive: archiver.restoreArchive,
    openArchive: archiver.openArchive,
    backupClient: backups.backupClient,
    inspectBackup: backups.inspectBackup,
    backupActiveClients: backups.backupActiveClients,
    applyRetention: retention.applyRetention,
    verifyFiles: retention.verifyFiles,
  };
}

export type FilesService = ReturnType<typeof createFilesService>;
export type FilesContext = {
  deps: FilesDeps;
  backend: StorageBackend;
  log: Logger;
  audit(em: EntityManager, actor: Actor, entry: Omit<AuditEntry, 'actorId' | 'actorPhone' | 'channel'>): Promise<void>;
};
export type { ArchiveFormat, ArchiveResult, BackupResult, RetentionResult, VerifyProgress, VerifyResult };
