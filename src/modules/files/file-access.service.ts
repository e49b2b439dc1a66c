import { constants } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { isAbsolute, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/sql';
import type { Clock } from '../../shared/clock.ts';
import type { AuditEntry } from '../identity/audit.service.ts';
import { ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { CustomerReport } from '../campaigns/customer-report.entity.ts';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { extensionFor, sanitizeFileName } from './file-names.ts';

/**
 * Downloads of stored client files and generated reports, with access audit. Every attempt —
 * served, refused or broken — writes an audit row. The stored path is resolved with realpath and
 * must stay inside STORAGE_DIR: a row pointing elsewhere (tampered, `../`, a symlink out) is refused,
 * so the database can never be used to read arbitrary files.
 */

export interface Reader {
  userId: number | null;
  phone: string;
  level: number;
  permissions: ReadonlySet<string>;
}

export interface OpenedFile {
  stream: Readable;
  size: number;
  mimeType: string;
  fileName: string;
}

export interface FileAccessDeps {
  storageDir: string;
  clock: Clock;
  audit?: { record(em: EntityManager, entry: AuditEntry): Promise<void> };
}

export class PathOutsideStorage extends Error {}

/** An open, regular file inside the storage root. */
export interface StoredFile {
  path: string;
  size: number;
  handle: FileHandle;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/**
 * Opens `rel` if it is a regular file inside the storage root; null when it is missing (or not a
 * file). Throws PathOutsideStorage when the path — or a symlink on it — leads outside. The file is
 * opened (without following a final symlink) and checked through the handle, so a file swapped or
 * deleted between the check and the download is either refused or a clean "missing", never a
 * stream error halfway through the answer.
 */
export async function openInsideStorage(storageDir: string, rel: string): Promise<StoredFile | null> {
  if (!rel || isAbsolute(rel) || rel.includes('\0')) throw new PathOutsideStorage(`ruta no válida: ${rel}`);
  const root = await realpath(storageDir);
  const candidate = resolve(root, rel);
  if (candidate !== root && !candidate.startsWith(root + sep)) throw new PathOutsideStorage(`fuera de STORAGE_DIR: ${rel}`);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    if (MISSING.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
  // A symlink inside the tree may still point outside it.
  if (!real.startsWith(root + sep)) throw new PathOutsideStorage(`enlace fuera de STORAGE_DIR: ${rel}`);
  let handle: FileHandle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (MISSING.has(code)) return null;
    // The path became a symlink after realpath looked at it.
    if (code === 'ELOOP') throw new PathOutsideStorage(`enlace en STORAGE_DIR: ${rel}`);
    throw err;
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    return null;
  }
  return { path: real, size: st.size, handle };
}

/**
 * Who may read a client's file: an active caller with files.download, and never the file of a
 * staff member ranked above them (an agent cannot pull an admin's documents).
 */
export function mayReadFile(reader: Reader, permission: string, ownerLevel: number, ownerId: number | null): boolean {
  if (!reader.permissions.has(permission)) return false;
  return ownerId === reader.userId || ownerLevel <= reader.level;
}

export function createFileAccessService(deps: FileAccessDeps) {
  type Via = NonNullable<AuditEntry['channel']>;
  const audit = (em: EntityManager, reader: Reader & { via?: Via }, action: string, target: string, outcome: AuditEntry['outcome'], details: Record<string, unknown>) =>
    deps.audit?.record(em, { actorId: reader.userId, actorPhone: reader.phone, action, target, outcome, details, channel: reader.via ?? 'http' });

  async function ownerLevel(em: EntityManager, clienteId: number): Promise<number> {
    const owner = await em.findOne(Usuario, { id: clienteId }, { populate: ['role'] as never });
    return owner?.role?.permissionLevel ?? 0;
  }

  async function openStored(em: EntityManager, reader: Reader, kind: 'file' | 'report', id: string, rel: string | null, clienteId: number | null): Promise<StoredFile> {
    const action = kind === 'file' ? 'files.download' : 'reports.download';
    const notFound = kind === 'file' ? t('http.file_missing', { id }) : t('http.report_no_file', { id });
    if (!rel) {
      await audit(em, reader, action, id, 'failure', { reason: 'no_file', clienteId });
      throw new NotFoundError(notFound, kind === 'file' ? 'FILE_MISSING' : 'REPORT_NO_FILE');
    }
    let file: StoredFile | null;
    try {
      file = await openInsideStorage(deps.storageDir, rel);
    } catch (err) {
      if (!(err instanceof PathOutsideStorage)) throw err;
      await audit(em, reader, action, id, 'denied', { reason: 'path_outside_storage', clienteId });
      throw new ForbiddenError(t('http.file_forbidden'), 'PATH_OUTSIDE_STORAGE');
    }
    if (!file) {
      await audit(em, reader, action, id, 'failure', { reason: 'missing_on_disk', clienteId });
      throw new NotFoundError(notFound, kind === 'file' ? 'FILE_MISSING' : 'REPORT_NO_FILE');
    }
    return file;
  }

  return {
    /** `via`: where the read comes from (chat `/archivo enviar`, HTTP, an export), for the audit row. */
    async openClientFile(em: EntityManager, reader: Reader, fileId: string, via: NonNullable<AuditEntry['channel']> = 'http'): Promise<OpenedFile> {
      reader = { ...reader, via } as Reader;
      const file = await em.findOne(ClientFileStorage, { fileId } as never);
      if (!file) {
        // Audited too: guessing ids is an access attempt like any other.
        await audit(em, reader, 'files.download', fileId, 'failure', { reason: 'unknown_id' });
        throw new NotFoundError(t('http.file_not_found', { id: fileId }), 'FILE_NOT_FOUND');
      }
      const clienteId = (file.cliente as { id: number }).id;
      if (!mayReadFile(reader, 'files.download', await ownerLevel(em, clienteId), clienteId)) {
        await audit(em, reader, 'files.download', fileId, 'denied', { reason: 'not_allowed', clienteId });
        throw new ForbiddenError(t('http.file_forbidden'), 'FILE_FORBIDDEN');
      }
      const { handle, size } = await openStored(em, reader, 'file', fileId, file.downloadStatus === 'ok' && !file.expiredAt ? file.filePath : null, clienteId);
      try {
        const now = deps.clock.now();
        // Atomic increment: concurrent downloads must not lose counts.
        await em.nativeUpdate(ClientFileStorage, { fileId } as never, { accessedCount: raw('accessed_count + 1'), lastAccessed: now } as never);
        await audit(em, reader, 'files.download', fileId, 'success', { clienteId, size });
      } catch (err) {
        await handle.close();
        throw err;
      }
      const fallback = `archivo-${fileId.slice(0, 8)}.${extensionFor(file.mimeType, file.originalFilename)}`;
      return {
        stream: handle.createReadStream(),
        size,
        mimeType: file.mimeType || 'application/octet-stream',
        fileName: sanitizeFileName(file.originalFilename) ?? fallback,
      };
    },

    async openReport(em: EntityManager, reader: Reader, reportId: string): Promise<OpenedFile> {
      const report = await em.findOne(CustomerReport, { reportId } as never);
      if (!report) throw new NotFoundError(t('http.report_not_found', { id: reportId }), 'REPORT_NOT_FOUND');
      // Whole-business reports (issue 12) have no client.
      const clienteId = report.cliente ? (report.cliente as { id: number }).id : null;
      const { handle, size } = await openStored(em, reader, 'report', reportId, report.filePath ?? null, clienteId);
      try {
        await audit(em, reader, 'reports.download', reportId, 'success', { clienteId, size });
      } catch (err) {
        await handle.close();
        throw err;
      }
      const mimes: Record<string, string> = { pdf: 'application/pdf', csv: 'text/csv; charset=utf-8', json: 'application/json', html: 'text/html; charset=utf-8' };
      const mime = mimes[report.format] ?? 'application/octet-stream';
      const base = sanitizeFileName(report.reportTitle)?.replace(/\.[a-z0-9]{1,5}$/i, '') ?? `informe-${reportId.slice(0, 8)}`;
      return { stream: handle.createReadStream(), size, mimeType: mime, fileName: `${base}.${report.format}` };
    },
  };
}

export type FileAccessService = ReturnType<typeof createFileAccessService>;
