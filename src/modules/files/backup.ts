import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { strFromU8, unzipSync, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import type { EntityManager } from '@mikro-orm/sql';
import { NotFoundError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import { AuditLog } from '../identity/audit-log.entity.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { ClientConversationArchive } from './client-conversation-archive.entity.ts';
import { clientRoot, ensureClientTree } from './client-tree.ts';
import { PathOutsideStorage } from './file-access.service.ts';
import { rawRows, companionKey } from './archive.ts';
import { safeKey } from './storage-backend.ts';
import type { Actor, FilesContext } from './files.service.ts';

/**
 * Per-client backups: one zip in the client's `archives/` with the whole conversation (lossless
 * JSON, as in an archive), every stored file and archive, and `manifest.json` listing each entry's
 * SHA-256 and size. Entries keep their place in the client folder, so links in HTML archives
 * still work once unpacked. Built from the database rows (not a directory walk), so the same code
 * serves any storage backend. Zip through fflate: small, no native code, streams.
 */

export const MANIFEST = 'manifest.json';
const MANIFEST_KIND = 'mariadono-client-backup';

export interface BackupEntry {
  path: string;
  size: number;
  sha256: string;
}

export interface BackupResult {
  key: string;
  entries: BackupEntry[];
  size: number;
}

/** An entry name from a zip we read: relative, no `..`, no backslash, no NUL. */
export function checkEntryName(name: string): string {
  try {
    return safeKey(name);
  } catch {
    throw new PathOutsideStorage(`entrada no válida en el zip: ${name.slice(0, 80)}`);
  }
}

/** Reads a backup zip: refuses unsafe entry names, checks every entry against the manifest. */
export function inspectBackupZip(zip: Uint8Array): { ok: boolean; entries: BackupEntry[]; problems: string[] } {
  const files = unzipSync(zip);
  for (const name of Object.keys(files)) checkEntryName(name);
  const raw = files[MANIFEST];
  if (!raw) return { ok: false, entries: [], problems: ['falta manifest.json'] };
  const manifest = JSON.parse(strFromU8(raw)) as { kind: string; entries: BackupEntry[] };
  const problems: string[] = [];
  if (manifest.kind !== MANIFEST_KIND) problems.push('manifest desconocido');
  for (const e of manifest.entries) {
    checkEntryName(e.path);
    const data = files[e.path];
    if (!data) problems.push(`falta ${e.path}`);
    else if (createHash('sha256').update(data).digest('hex') !== e.sha256) problems.push(`SHA-256 distinto: ${e.path}`);
  }
  for (const name of Object.keys(files)) if (name !== MANIFEST && !manifest.entries.some((e) => e.path === name)) problems.push(`no está en el manifiesto: ${name}`);
  return { ok: problems.length === 0, entries: manifest.entries, problems };
}

const stampOf = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export function createBackups(ctx: FilesContext) {
  const { deps, backend } = ctx;

  async function backupClient(em: EntityManager, actor: Actor, clienteId: number): Promise<BackupResult> {
    const client = await em.findOne(Usuario, { id: clienteId });
    if (!client) throw new NotFoundError(t('files.client_not_found'), 'CLIENT_NOT_FOUND');
    await ensureClientTree(deps.config.STORAGE_DIR, clienteId);
    const root = `${clientRoot(clienteId)}/`;
    const now = deps.clock.now();
    const key = `${root}archives/backup-${stampOf(now)}.zip`;

    const ids = (await em.find(ConversationLog, { cliente: clienteId } as never, { fields: ['id'], orderBy: { id: 'asc' } })).map((m) => m.id);
    const conversations = Buffer.from(
      JSON.stringify({ kind: 'mariadono-conversation-archive', version: 1, table: 'conversations_log', clienteId, from: null, to: now.toISOString(), messages: await rawRows(em, 'conversations_log', 'id', ids), files: await rawRows(em, 'client_file_storage', 'cliente_id', [clienteId]) }),
    );
    const stored = new Set<string>();
    for (const f of await em.find(ClientFileStorage, { cliente: clienteId, downloadStatus: 'ok', expiredAt: null } as never)) if (f.filePath) stored.add(f.filePath);
    for (const a of await em.find(ClientConversationArchive, { cliente: clienteId } as never)) {
      if (!a.filePath) continue;
      stored.add(a.filePath);
      if (a.format !== 'json') stored.add(companionKey(a.filePath));
    }

    const out = new PassThrough();
    const zip = new Zip((err, chunk, final) => {
      if (err) return out.destroy(err);
      out.write(chunk);
      if (final) out.end();
    });
    const writing = backend.put(key, out);
    const entries: BackupEntry[] = [];
    const add = (name: string, data: Uint8Array, compress: boolean) => {
      const entry = compress ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
      zip.add(entry);
      entry.push(data, true);
      entries.push({ path: name, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    };
    try {
      add('conversations/conversations.json', conversations, true);
      for (const path of [...stored].sort()) {
        // Only this client's own tree; a row pointing elsewhere is skipped, never followed.
        if (!path.startsWith(root) || path.startsWith(`${root}archives/backup-`)) continue;
        const got = await backend.get(path).catch(() => null);
        if (!got) continue;
        const name = checkEntryName(path.slice(root.length));
        const entry = new ZipPassThrough(name);
        zip.add(entry);
        const hash = createHash('sha256');
        let size = 0;
        for await (const chunk of got.stream) {
          hash.update(chunk as Buffer);
          size += (chunk as Buffer).length;
          entry.push(chunk as Buffer);
        }
        entry.push(new Uint8Array(0), true);
        entries.push({ path: name, size, sha256: hash.digest('hex') });
      }
      add(MANIFEST, Buffer.from(JSON.stringify({ kind: MANIFEST_KIND, clienteId, createdAt: now.toISOString(), entries }, null, 2)), true);
      zip.end();
    } catch (err) {
      zip.terminate();
      out.destroy(err as Error);
      await writing.catch(() => undefined);
      throw err;
    }
    await writing;
    const size = (await backend.get(key))!;
    size.stream.destroy();
    await ctx.audit(em, actor, { action: 'files.backup', target: key.split('/').pop()!, outcome: 'success', details: { clienteId, entries: entries.length, size: size.size } });
    return { key, entries, size: size.size };
  }

  return {
    backupClient,

    /** Reads a stored backup back and checks it (manifest sums, safe entry names). */
    async inspectBackup(key: string) {
      const got = await backend.get(safeKey(key));
      if (!got) throw new NotFoundError(t('files.archive_missing', { id: key.split('/').pop() ?? key }), 'BACKUP_MISSING');
      const parts: Buffer[] = [];
      for await (const c of got.stream) parts.push(c as Buffer);
      return inspectBackupZip(Buffer.concat(parts));
    },

    /**
     * The scheduled run (BACKUP_CRON): every client with messages since the previous run. The
     * previous run's time is the durable `files.backup_run` audit row, so a restart resumes.
     */
    async backupActiveClients(em: EntityManager): Promise<number> {
      const last = await em.findOne(AuditLog, { action: 'files.backup_run' }, { orderBy: { id: 'desc' } });
      const since = last?.createdAt ?? new Date(0);
      const clients = await em.find(Usuario, { lastMessageAt: { $gte: since }, userType: 'client' } as never, { fields: ['id'] });
      const system: Actor = { userId: null, phone: null, channel: 'system' };
      let done = 0;
      for (const c of clients) {
        try {
          await backupClient(em.fork() as EntityManager, system, c.id);
          done++;
        } catch (err) {
          ctx.log.error({ err, clienteId: c.id }, 'scheduled backup failed');
        }
      }
      await ctx.audit(em, system, { action: 'files.backup_run', outcome: 'success', details: { clients: done, since: since.toISOString() } });
      return done;
    },
  };
}
