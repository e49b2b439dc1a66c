import { dropLinesMentioning, erasableLogFiles } from './scrub-logs.ts';
import { join } from 'node:path';
import { raw } from '@mikro-orm/core';
import { strToU8, zipSync } from 'fflate';
import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps, AuditEntry } from '../../services.ts';
import type { AuditService } from '../identity/audit.service.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { Usuario, type IUsuario } from '../identity/usuario.entity.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import { ClientFileStorage } from '../files/client-file-storage.entity.ts';
import { ClientConversationArchive } from '../files/client-conversation-archive.entity.ts';
import { clientRoot, ensureClientTree, forgetClientTree } from '../files/client-tree.ts';
import { companionKey, rawRows } from '../files/archive.ts';
import { renderHtml } from '../files/archive-render.ts';
import type { Actor, FilesService } from '../files/files.service.ts';
import { clientReferences, listTables, listTextColumns, quoteIdent } from './catalog.ts';
import { erasureNeedles, renderExportHtml } from './render.ts';

/**
 * The client's data rights (GDPR / CCPA): a complete export, and erasure. Both walk the database
 * catalog and the ORM metadata instead of a fixed table list (see catalog.ts).
 */

/** Rows that only count things: kept (linked to the anonymized client) so aggregates survive. */
const KEEP_TABLES = new Set(['campaign_recipient_log', 'segment_members', 'pedidos']);
/** Raw provider payloads: deleted when they mention the client (they repeat message bodies). */
const RAW_TABLES = new Set(['webhook_inbox', 'meta_pending_status']);
/** Columns never exported (secrets of staff accounts). */
const SECRET_COLUMNS = new Set(['password_hash', 'totp_secret', 'totp_last_step']);
export const ERASED = '[borrado]';

export interface ExportResult {
  key: string;
  path: string;
  fileName: string;
  size: number;
  sections: Record<string, number>;
  files: number;
}

export interface EraseResult {
  clienteId: number;
  deletedRows: Record<string, number>;
  scrubbedColumns: number;
  auditRowsBlanked: number;
  filesDeleted: number;
}

const stampOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
const affected = (r: unknown) => Number((r as { affectedRows?: number })?.affectedRows ?? 0);

export function createPrivacyService(deps: ServiceDeps & { audit: AuditService; files: FilesService }) {
  const kind = deps.config.db.kind;
  const q = (name: string) => quoteIdent(kind, name);
  const log = deps.logger.child({ module: 'privacy' });
  const audit = (em: EntityManager, actor: Actor, entry: Omit<AuditEntry, 'actorId' | 'actorPhone' | 'channel'>) =>
    deps.audit.record(em, { ...entry, actorId: actor.userId, actorPhone: actor.phone, channel: actor.channel });

  async function client(em: EntityManager, clienteId: number): Promise<IUsuario> {
    const u = await em.findOne(Usuario, { id: clienteId });
    if (!u) throw new NotFoundError(t('files.client_not_found'), 'CLIENT_NOT_FOUND');
    return u;
  }

  /** Rows of other tables that name the client by phone (group members, group messages …). */
  async function phoneColumns(em: EntityManager): Promise<Array<{ table: string; column: string }>> {
    return (await listTextColumns(em, kind)).filter((c) => /phone/i.test(c.column) && !c.json && c.table !== 'usuarios' && c.table !== 'audit_log');
  }

  return {
    /**
     * Everything held about the client, as one zip (JSON per table + a readable index.html + their
     * files and conversation archives) in their archives/ folder. Every file and archive included
     * counts as a read (accessed_count, audit).
     */
    async exportClient(em: EntityManager, actor: Actor, clienteId: number): Promise<ExportResult> {
      const u = await client(em, clienteId);
      const sections: Record<string, Array<Record<string, unknown>>> = {};
      const [profile] = await rawRows(em, 'usuarios', 'id', [clienteId]);
      sections.profile = [Object.fromEntries(Object.entries(profile ?? {}).filter(([k]) => !SECRET_COLUMNS.has(k)))];
      sections.consent = [{ marketing_opt_in: u.marketingOptIn, consent_at: u.consentAt ?? null, opt_out_at: u.optOutAt ?? null }];
      for (const ref of clientReferences(em)) {
        if (ref.table === 'audit_log' || ref.table === 'pending_confirmations') continue;
        const rows = await rawRows(em, ref.table, ref.column, [clienteId]);
        if (rows.length) sections[`${ref.table}.${ref.column}`] = rows;
      }
      for (const pc of await phoneColumns(em)) {
        const rows = await rawRows(em, pc.table, pc.column, [u.phoneNumber]);
        if (rows.length) sections[`${pc.table}.${pc.column}`] = rows;
      }
      const files = await em.find(ClientFileStorage, { cliente: clienteId, downloadStatus: 'ok', expiredAt: null } as never);
      // Conversation archives too: messages moved out of the log live only there.
      const archives = await em.find(ClientConversationArchive, { cliente: clienteId } as never);
      const entries: Record<string, Uint8Array> = {};
      const root = `${clientRoot(clienteId)}/`;
      /** Copies a stored file of the client's own tree into the zip; false when it is not there. */
      const include = async (key: string | null | undefined): Promise<boolean> => {
        if (!key?.startsWith(root)) return false;
        const got = await deps.files.backend.get(key).catch(() => null);
        if (!got) return false;
        const parts: Buffer[] = [];
        for await (const c of got.stream) parts.push(c as Buffer);
        entries[`files/${key.slice(root.length)}`] = Buffer.concat(parts);
        return true;
      };
      const read: string[] = [];
      for (const f of files) if (await include(f.filePath)) read.push(f.fileId);
      const readArchives: string[] = [];
      for (const a of archives) {
        if (!(await include(a.filePath))) continue;
        // A txt/html archive that moved messages keeps the lossless rows in its JSON companion.
        if (a.format !== 'json') await include(companionKey(a.filePath!));
        readArchives.push(a.archiveId);
      }
      const messages = await em.find(ConversationLog, { cliente: clienteId } as never, { orderBy: { date: 'asc', id: 'asc' } });
      const byMessage = new Map(files.filter((f) => f.messageId && f.filePath).map((f) => [f.messageId!, { path: f.filePath.replace(root, `${root}files/`), type: f.fileType, name: f.originalFilename ?? null }]));
      const now = deps.clock.now();
      for (const [name, rows] of Object.entries(sections)) entries[`data/${name}.json`] = strToU8(JSON.stringify(rows, null, 2));
      entries['index.html'] = strToU8(renderExportHtml(u, sections, now, deps.config.TZ));
      entries['conversacion.html'] = strToU8(
        // Media links point at files/…, relative to the zip root (the transcript sits at the top).
        renderHtml({ client: { id: clienteId, phone: u.phoneNumber, nombre: u.nombre ?? null }, from: messages[0]?.date ?? now, to: now, tz: deps.config.TZ, messages, files: byMessage }).replaceAll('src="../', 'src="').replaceAll('href="../', 'href="'),
      );
      const zip = zipSync(entries, { level: 6 });
      await ensureClientTree(deps.config.STORAGE_DIR, clienteId);
      const fileName = `export-${stampOf(now)}.zip`;
      const key = `${root}archives/${fileName}`;
      await deps.files.backend.put(key, Buffer.from(zip));
      if (read.length) await em.nativeUpdate(ClientFileStorage, { fileId: { $in: read } } as never, { accessedCount: raw('accessed_count + 1'), lastAccessed: now } as never);
      if (readArchives.length) await em.nativeUpdate(ClientConversationArchive, { archiveId: { $in: readArchives } } as never, { accessedCount: raw('accessed_count + 1'), lastAccessed: now } as never);
      if (read.length || readArchives.length) {
        await audit(em, actor, { action: 'files.export', target: fileName, outcome: 'success', details: { clienteId, files: read.length, archives: readArchives.length } });
      }
      const counts = Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, v.length]));
      await audit(em, actor, { action: 'clients.export', target: `usuario:${clienteId}`, outcome: 'success', details: { clienteId, sections: counts, size: zip.length } });
      return { key, path: join(deps.config.STORAGE_DIR, key), fileName, size: zip.length, sections: counts, files: read.length + readArchives.length };
    },

    /**
     * Erasure: the client's files, archives, backups and exports go; their rows are deleted (content)
     * or anonymized (counts); every text column of every table is scrubbed of their phone, LID,
     * e-mail and name; the audit log's personal fields that mention them are blanked (the chain
     * still verifies). Recorded in the audit log by id only.
     */
    async eraseClient(em: EntityManager, actor: Actor, clienteId: number): Promise<EraseResult> {
      const u = await client(em, clienteId);
      if (u.legalHold) throw new ConflictError(t('privacy.legal_hold'), 'LEGAL_HOLD');
      if (actor.userId === clienteId) throw new ForbiddenError(t('privacy.self'), 'ERASE_SELF');
      const needles = erasureNeedles(u);
      const now = deps.clock.now();
      const result: EraseResult = { clienteId, deletedRows: {}, scrubbedColumns: 0, auditRowsBlanked: 0, filesDeleted: 0 };
      const keys = new Set<string>();
      for (const f of await em.find(ClientFileStorage, { cliente: clienteId } as never)) if (f.filePath) keys.add(f.filePath);
      for (const a of await em.find(ClientConversationArchive, { cliente: clienteId } as never)) if (a.filePath) keys.add(a.filePath);

      result.auditRowsBlanked = await deps.audit.erase(em, needles, now);
      const refs = clientReferences(em);
      const phoneCols = await phoneColumns(em);
      const textCols = await listTextColumns(em, kind);
      const tables = new Set(await listTables(em, kind));
      await em.transactional(async (txm) => {
        const tx = txm as EntityManager;
        const del = async (table: string, where: string, params: unknown[]) => {
          const n = affected(await tx.execute(`delete from ${q(table)} where ${where}`, params as never[], 'run'));
          if (n) result.deletedRows[table] = (result.deletedRows[table] ?? 0) + n;
        };
        // 1. Content: their conversation, and raw payloads that repeat it.
        await del('conversations_log', `${q('cliente_id')} = ? or ${q('from')} = ?`, [clienteId, u.phoneNumber]);
        for (const table of RAW_TABLES) {
          if (!tables.has(table)) continue;
          for (const c of textCols.filter((c) => c.table === table)) {
            const col = c.json && kind === 'postgresql' ? `${q(c.column)}::text` : q(c.column);
            await del(table, needles.map(() => `${col} like ?`).join(' or '), needles.map((n) => `%${n}%`));
          }
        }
        // 2. Per-client detail rows (cascade in the schema), except the ones that only count things.
        for (const ref of refs) {
          if (ref.table === 'audit_log' || KEEP_TABLES.has(ref.table) || !ref.cascade) continue;
          await del(ref.table, `${q(ref.column)} = ?`, [clienteId]);
        }
        // 3. Anonymize the person (the row stays so kept rows and aggregates still join).
        await tx.nativeUpdate(Usuario, { id: clienteId }, {
          phoneNumber: `borrado-${clienteId}`, lid: null, nombre: null, email: null, region: null, location: null, birthDate: null,
          isActive: false, accountStatus: 'inactive', marketingOptIn: false, consentAt: null, optOutAt: null, lastMessageAt: null,
          passwordHash: null, totpSecret: null, totpEnabledAt: null, lastLogin: null, updatedAt: now,
        } as never);
        // 4. Rows elsewhere that name them by phone (group membership, group messages).
        for (const pc of phoneCols) if (!KEEP_TABLES.has(pc.table)) await del(pc.table, `${q(pc.column)} = ?`, [u.phoneNumber]);
        // 5. Mentions anywhere else: other people's messages, command texts, bot replies, notes.
        //    One statement per column: nested replace() for every needle (longest first), so
        //    a big table is scanned once per column, not once per needle.
        for (const c of textCols) {
          // usuarios: the erased row is already anonymized; other people's rows are theirs.
          if (c.table === 'audit_log' || c.table === 'usuarios' || !tables.has(c.table)) continue;
          const col = q(c.column);
          const asText = c.json && kind === 'postgresql' ? `${col}::text` : col;
          const replaced = needles.reduce((expr) => `replace(${expr}, ?, ?)`, asText);
          const set = c.json && kind === 'postgresql' ? `(${replaced})::jsonb` : c.maxLength ? `left(${replaced}, ${Number(c.maxLength)})` : replaced;
          const params = [...needles.flatMap((n) => [n, ERASED]), ...needles.map((n) => `%${n}%`)];
          const n = affected(await tx.execute(`update ${q(c.table)} set ${col} = ${set} where ${needles.map(() => `${asText} like ?`).join(' or ')}`, params, 'run'));
          if (n) result.scrubbedColumns += n;
        }
      });
      // 6. Bytes: every file, archive, backup and export of the client.
      for (const key of keys) await deps.files.backend.delete(key).catch(() => undefined);
      result.filesDeleted = keys.size;
      await deps.files.backend.deletePrefix(`${clientRoot(clienteId)}/`);
      forgetClientTree(deps.config.STORAGE_DIR, clienteId);
      // 7. Logs and recordings outside the database that repeat their messages.
      for (const file of erasableLogFiles(deps.config.STORAGE_DIR, deps.config.RECORD_EVENTS)) {
        await dropLinesMentioning(file, needles).catch((err) => log.warn({ err }, 'a log file could not be scrubbed'));
      }
      if (kind === 'sqlite') {
        // secure_delete zeroes freed cells; the WAL still holds old page images until it is reset.
        await em.execute('pragma wal_checkpoint(TRUNCATE)').catch((err) => log.warn({ err }, 'wal checkpoint after erasure failed'));
      }
      await audit(em, actor, { action: 'clients.erase', target: `usuario:${clienteId}`, outcome: 'success', details: { clienteId, deletedRows: result.deletedRows, scrubbed: result.scrubbedColumns, auditRowsBlanked: result.auditRowsBlanked, files: result.filesDeleted } });
      log.info({ clienteId, deleted: result.deletedRows }, 'client erased');
      return result;
    },

    /** Legal hold: retention keeps the client's files and erasure is refused while it is on. */
    async setLegalHold(em: EntityManager, clienteId: number, on: boolean): Promise<boolean> {
      const u = await client(em, clienteId);
      const before = u.legalHold;
      await em.nativeUpdate(Usuario, { id: clienteId }, { legalHold: on, updatedAt: deps.clock.now() } as never);
      return before;
    },

  };
}

export type PrivacyService = ReturnType<typeof createPrivacyService>;
