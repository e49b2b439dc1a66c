import { raw } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/sql';
import { ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { ClientConversationArchive, type IClientConversationArchive } from './client-conversation-archive.entity.ts';
import { clientRoot, ensureClientTree } from './client-tree.ts';
import { mayReadFile, PathOutsideStorage, type OpenedFile, type Reader } from './file-access.service.ts';
import { safeKey } from './storage-backend.ts';
import { renderHtml, renderTxt, type RenderFile, type RenderMessage } from './archive-render.ts';
import type { Actor, FilesContext } from './files.service.ts';

/**
 * Conversation archives (UC-002/003). The JSON form is lossless: every column of every
 * `conversations_log` row exactly as the database returns it, so `restoreArchive` can put the
 * rows back with their ids and timestamps. TXT and HTML are for people; when an archive in one
 * of those formats moves messages out of the log, a JSON companion (`….json.gz`) is written
 * beside it for the restore.
 */

export const ARCHIVE_FORMATS = ['json', 'txt', 'html'] as const;
export type ArchiveFormat = (typeof ARCHIVE_FORMATS)[number];
const DOC_KIND = 'mariadono-conversation-archive';
const CHUNK = 500;

export interface ArchiveRequest {
  from: Date;
  /** Exclusive. */
  to: Date;
  format?: ArchiveFormat;
  /** Move the messages out of conversations_log (restore puts them back). */
  move?: boolean;
}

export interface ArchiveResult {
  archive: IClientConversationArchive;
  messageCount: number;
}

interface ArchiveDoc {
  kind: typeof DOC_KIND;
  version: 1;
  table: 'conversations_log';
  clienteId: number;
  from: string;
  to: string;
  messages: Array<Record<string, unknown>>;
  files: Array<Record<string, unknown>>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Every column of the rows, as stored (no ORM mapping in between). */
export async function rawRows(em: EntityManager, table: string, column: string, values: Array<string | number>): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (const part of chunks(values)) {
    // Double quotes name identifiers in both dialects (PostgreSQL folds `clienteId` otherwise).
    out.push(...((await em.execute(`select * from "${table}" where "${column}" in (${part.map(() => '?').join(',')}) order by "${column}"`, part)) as Array<Record<string, unknown>>));
  }
  return out;
}

/** The companion JSON next to a txt/html archive. */
export const companionKey = (key: string) => key.replace(/\.(txt|html)\.gz$/, '.json.gz');

export function createArchiver(ctx: FilesContext) {
  const { deps, backend } = ctx;
  const isPg = deps.config.db.kind === 'postgresql';

  /** The archive's stored key, refused unless it is inside that client's archives/ folder. */
  function archiveKey(row: IClientConversationArchive, companion = false): string {
    const clienteId = (row.cliente as { id: number }).id;
    const key = row.filePath ?? '';
    try {
      safeKey(key);
    } catch {
      throw new ForbiddenError(t('http.file_forbidden'), 'PATH_OUTSIDE_STORAGE');
    }
    if (!key.startsWith(`${clientRoot(clienteId)}/archives/`)) throw new ForbiddenError(t('http.file_forbidden'), 'PATH_OUTSIDE_STORAGE');
    return companion && row.format !== 'json' ? companionKey(key) : key;
  }

  async function jsonColumns(em: EntityManager): Promise<Set<string>> {
    if (!isPg) return new Set();
    const rows = (await em.execute(
      `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'conversations_log' and data_type in ('json', 'jsonb')`,
    )) as Array<{ column_name: string }>;
    return new Set(rows.map((r) => r.column_name));
  }

  async function findArchive(em: EntityManager, archiveId: string): Promise<IClientConversationArchive> {
    if (!/^[0-9a-f-]{36}$/i.test(archiveId)) throw new ValidationError(t('files.bad_id', { id: archiveId.slice(0, 40) }), undefined, 'INVALID_ID');
    const row = await em.findOne(ClientConversationArchive, { archiveId });
    if (!row) throw new NotFoundError(t('files.archive_not_found', { id: archiveId }), 'ARCHIVE_NOT_FOUND');
    return row;
  }

  return {
    /** PRD `archiveConversation(clienteId, dateRange)`. */
    async archiveConversation(em: EntityManager, actor: Actor, clienteId: number, req: ArchiveRequest): Promise<ArchiveResult> {
      const format = req.format ?? 'json';
      if (!ARCHIVE_FORMATS.includes(format)) throw new ValidationError(t('files.bad_format', { value: String(format), formats: ARCHIVE_FORMATS.join(', ') }));
      if (!(req.from < req.to)) throw new ValidationError(t('files.bad_range'));
      const client = await em.findOne(Usuario, { id: clienteId });
      if (!client) throw new NotFoundError(t('files.client_not_found'), 'CLIENT_NOT_FOUND');
      // Plain rows, not entities: hydrating thousands of entities is the slow part, and the
      // archive wants the stored values anyway.
      const idRows = await em.createQueryBuilder(ConversationLog).select(['id']).where({ cliente: clienteId, date: { $gte: req.from, $lt: req.to } } as never).execute<Array<{ id: number }>>('all', false);
      if (!idRows.length) throw new ValidationError(t('files.archive_empty'), undefined, 'ARCHIVE_EMPTY');
      const ids = idRows.map((r) => Number(r.id));
      const rows = (await rawRows(em, 'conversations_log', 'id', ids)).sort((x, y) => +new Date(x.date as never) - +new Date(y.date as never) || Number(x.id) - Number(y.id));
      const msgIds = rows.map((m) => String(m.message_id));
      const fileRows = await rawRows(em, 'client_file_storage', 'message_id', msgIds);
      const doc: ArchiveDoc = { kind: DOC_KIND, version: 1, table: 'conversations_log', clienteId, from: req.from.toISOString(), to: req.to.toISOString(), messages: rows, files: fileRows };
      await ensureClientTree(deps.config.STORAGE_DIR, clienteId);
      const base = `${clientRoot(clienteId)}/archives/conversation_${day(req.from)}_${day(new Date(req.to.getTime() - 1))}_${randomUUID().slice(0, 8)}`;
      const key = `${base}.${format}.gz`;
      const json = Buffer.from(JSON.stringify(doc));
      const byMessage = new Map<string, RenderFile>(
        fileRows.filter((f) => f.file_path).map((f) => [String(f.message_id), { path: String(f.file_path), type: String(f.file_type), name: (f.original_filename as string | null) ?? null }]),
      );
      const messages: RenderMessage[] = rows.map((r) => ({
        date: new Date(r.date as never), body: (r.body as string | null) ?? null, messageType: String(r.message_type), messageDirection: String(r.message_direction), origin: (r.origin as string | null) ?? null, messageId: String(r.message_id),
      }));
      const view = { client: { id: clienteId, phone: client.phoneNumber, nombre: client.nombre ?? null }, from: req.from, to: req.to, tz: deps.config.TZ, messages, files: byMessage };
      const body = format === 'json' ? json : Buffer.from(format === 'txt' ? renderTxt(view) : renderHtml(view));
      await backend.put(key, gzipSync(body));
      if (req.move && format !== 'json') await backend.put(companionKey(key), gzipSync(json));
      const archive = await em.transactional(async (tx) => {
        const row = tx.create(ClientConversationArchive, {
          cliente: tx.getReference(Usuario, clienteId),
          conversationThreadId: (rows[0]!.remote_jid as string | null) ?? `${client.phoneNumber}@s.whatsapp.net`,
          format,
          filePath: key,
          startDate: day(req.from),
          endDate: day(new Date(req.to.getTime() - 1)),
          messageCount: messages.length,
          storageStatus: req.move ? 'archived' : 'active',
          createdAt: deps.clock.now(),
          updatedAt: deps.clock.now(),
        } as never) as IClientConversationArchive;
        if (req.move) {
          for (const part of chunks(ids)) await tx.nativeDelete(ConversationLog, { id: { $in: part } });
          for (const part of chunks(msgIds)) await tx.nativeUpdate(ClientFileStorage, { messageId: { $in: part } } as never, { isArchived: true });
        }
        await tx.flush();
        return row;
      });
      await ctx.audit(em, actor, { action: 'files.archive', target: archive.archiveId, outcome: 'success', details: { clienteId, format, messages: messages.length, moved: Boolean(req.move) } });
      return { archive, messageCount: messages.length };
    },

    /**
     * Puts an archive's messages back into conversations_log exactly as they were (ids and
     * timestamps included). Rows already there are left alone, so restoring twice changes nothing.
     */
    async restoreArchive(em: EntityManager, actor: Actor, archiveId: string): Promise<{ archive: IClientConversationArchive; restored: number }> {
      const row = await findArchive(em, archiveId);
      const clienteId = (row.cliente as { id: number }).id;
      const key = archiveKey(row, true);
      const stored = await backend.get(key);
      if (!stored) {
        // A txt/html archive made without moving has no JSON companion: its messages never left the log.
        if (key !== row.filePath && (await backend.exists(archiveKey(row)))) throw new ValidationError(t('files.restore_not_moved', { id: archiveId }), undefined, 'NOTHING_TO_RESTORE');
        throw new NotFoundError(t('files.archive_missing', { id: archiveId }), 'ARCHIVE_MISSING');
      }
      const parts: Buffer[] = [];
      for await (const chunk of stored.stream) parts.push(chunk as Buffer);
      let doc: ArchiveDoc;
      try {
        doc = JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8')) as ArchiveDoc;
      } catch {
        throw new ValidationError(t('files.archive_unreadable', { id: archiveId }), undefined, 'ARCHIVE_UNREADABLE');
      }
      if (doc.kind !== DOC_KIND || doc.table !== 'conversations_log' || doc.clienteId !== clienteId || !Array.isArray(doc.messages)) {
        throw new ValidationError(t('files.archive_unreadable', { id: archiveId }), undefined, 'ARCHIVE_UNREADABLE');
      }
      const json = await jsonColumns(em);
      const restored = await em.transactional(async (tx) => {
        let n = 0;
        const cols = Object.keys(doc.messages[0] ?? {});
        if (!cols.every((c) => /^[a-z_][a-z0-9_]*$/i.test(c)) || doc.messages.some((m) => Object.keys(m).length !== cols.length)) {
          throw new ValidationError(t('files.archive_unreadable', { id: archiveId }), undefined, 'ARCHIVE_UNREADABLE');
        }
        const quoted = cols.map((c) => `"${c}"`).join(', ');
        const tuple = `(${cols.map(() => '?').join(', ')})`;
        // Multi-row inserts (100 rows, well under SQLite's 32 766 bound parameters).
        for (const part of chunks(doc.messages, 100)) {
          const values = part.flatMap((msg) => cols.map((c) => (json.has(c) && msg[c] !== null ? JSON.stringify(msg[c]) : msg[c])));
          const res = (await tx.execute(`insert into conversations_log (${quoted}) values ${part.map(() => tuple).join(', ')} on conflict do nothing`, values as never[], 'run')) as { affectedRows?: number };
          n += res?.affectedRows ?? 0;
        }
        const msgIds = doc.messages.map((m) => String(m.message_id));
        for (const part of chunks(msgIds)) await tx.nativeUpdate(ClientFileStorage, { messageId: { $in: part } } as never, { isArchived: false });
        await tx.nativeUpdate(ClientConversationArchive, { archiveId }, { storageStatus: 'active', updatedAt: deps.clock.now() });
        return n;
      });
      await ctx.audit(em, actor, { action: 'files.restore', target: archiveId, outcome: 'success', details: { clienteId, restored } });
      await em.refresh(row);
      return { archive: row, restored };
    },

    /** The archive's gzip file for reading (`/archivo enviar`, HTTP): checked, audited. */
    async openArchive(em: EntityManager, reader: Reader, archiveId: string, via: Actor['channel']): Promise<OpenedFile> {
      const actor: Actor = { userId: reader.userId, phone: reader.phone, channel: via };
      // Every attempt is audited, as for files: guessing ids is an access attempt like any other.
      const row = await findArchive(em, archiveId).catch(async (err: unknown) => {
        await ctx.audit(em, actor, { action: 'files.archive_read', target: archiveId.slice(0, 40), outcome: 'failure', details: { reason: 'unknown_id' } });
        throw err;
      });
      const clienteId = (row.cliente as { id: number }).id;
      const owner = await em.findOne(Usuario, { id: clienteId }, { populate: ['role'] as never });
      if (!mayReadFile(reader, 'files.download', owner?.role?.permissionLevel ?? 0, clienteId)) {
        await ctx.audit(em, actor, { action: 'files.archive_read', target: archiveId, outcome: 'denied', details: { clienteId } });
        throw new ForbiddenError(t('http.file_forbidden'), 'FILE_FORBIDDEN');
      }
      let key: string;
      try {
        key = archiveKey(row);
      } catch (err) {
        await ctx.audit(em, actor, { action: 'files.archive_read', target: archiveId, outcome: 'denied', details: { clienteId, reason: 'path_outside_storage' } });
        throw err;
      }
      const stored = await backend.get(key).catch(async (err) => {
        if (!(err instanceof PathOutsideStorage)) throw err;
        await ctx.audit(em, actor, { action: 'files.archive_read', target: archiveId, outcome: 'denied', details: { clienteId, reason: 'path_outside_storage' } });
        throw new ForbiddenError(t('http.file_forbidden'), 'PATH_OUTSIDE_STORAGE');
      });
      if (!stored) {
        await ctx.audit(em, actor, { action: 'files.archive_read', target: archiveId, outcome: 'failure', details: { clienteId, reason: 'missing_on_disk' } });
        throw new NotFoundError(t('files.archive_missing', { id: archiveId }), 'ARCHIVE_MISSING');
      }
      // Counted in SQL (concurrent reads all count), like file reads.
      await em.nativeUpdate(ClientConversationArchive, { archiveId } as never, { accessedCount: raw('accessed_count + 1'), lastAccessed: ctx.deps.clock.now() } as never);
      await ctx.audit(em, actor, { action: 'files.archive_read', target: archiveId, outcome: 'success', details: { clienteId, size: stored.size } });
      return { stream: stored.stream, size: stored.size, mimeType: 'application/gzip', fileName: key.split('/').pop()! };
    },
  };
}
