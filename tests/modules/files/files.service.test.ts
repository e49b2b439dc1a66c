import { registerModuleJobs } from '../../../src/jobs/index.ts';
import { existsSync, readdirSync, readFileSync, writeFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestOrm, pgAvailable, type TestOrm } from '../../helpers/db.ts';
import { createServices, type Services } from '../../../src/services.ts';
import { silentLogger } from '../../../src/logger.ts';
import { ManualClock } from '../../../src/shared/clock.ts';
import { createScheduler } from '../../../src/jobs/scheduler.ts';
import { withEm } from '../../../src/db/orm.ts';
import type { DbKind } from '../../../src/config.ts';
import { ClientFileStorage } from '../../../src/modules/files/client-file-storage.entity.ts';
import { ClientConversationArchive } from '../../../src/modules/files/client-conversation-archive.entity.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { AuditLog } from '../../../src/modules/identity/audit-log.entity.ts';
import { CLIENT_FOLDERS } from '../../../src/modules/files/client-tree.ts';
import { safeKey } from '../../../src/modules/files/storage-backend.ts';
import { inspectBackupZip } from '../../../src/modules/files/backup.ts';
import { PathOutsideStorage } from '../../../src/modules/files/file-access.service.ts';
import type { Actor } from '../../../src/modules/files/files.service.ts';
import { addMessage, makeClient, saveFile } from './fixtures.ts';

const PNG = Buffer.from('89504e470d0a1a0a-fake-png-bytes');
const actor: Actor = { userId: null, phone: '34600000001', channel: 'chat' };
const reader = { userId: null, phone: '34600000001', level: 100, permissions: new Set(['files.download']) };

async function bench(kind: DbKind) {
  const db = await createTestOrm(kind);
  const clock = new ManualClock(new Date('2026-11-24T10:00:00Z'));
  const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock });
  const em = <T>(fn: (em: import('@mikro-orm/sql').EntityManager) => Promise<T>) => withEm(db.orm, fn);
  const client = await em((e) => makeClient(e, '34611000001', 'Lucía Prueba'));
  return { db, clock, services, em, client };
}

const allRows = (b: { db: TestOrm }, table: string) => b.db.orm.em.fork().getConnection().execute(`select * from ${table} order by id`) as Promise<Array<Record<string, unknown>>>;

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe.skipIf(kind === 'postgresql' && !(await pgAvailable()))(`files service on ${kind}`, () => {
    let b: Awaited<ReturnType<typeof bench>>;
    beforeEach(async () => {
      b = await bench(kind);
    });
    afterEach(async () => {
      await b.db.cleanup();
    });

    it('creates the PRD folder tree on first use and names files by SHA-256, stored once per client', async () => {
      const root = join(b.db.config.STORAGE_DIR, `clients/client_${b.client.id}`);
      expect(existsSync(root)).toBe(false);
      const first = await saveFile(b.services, b.client.id, PNG);
      const second = await saveFile(b.services, b.client.id, PNG);
      for (const folder of CLIENT_FOLDERS) expect(existsSync(join(root, folder))).toBe(true);
      expect(first.result.status).toBe('ok');
      expect(first.result.relPath).toMatch(new RegExp(`^clients/client_${b.client.id}/media/images/[0-9a-f]{64}\\.png$`));
      expect(second.result.relPath).toBe(first.result.relPath);
      expect(readdirSync(join(root, 'media/images'))).toHaveLength(1);
      const rows = await b.em((em) => em.find(ClientFileStorage, { cliente: b.client.id } as never));
      expect(rows).toHaveLength(2);
      expect(rows.every((r) => r.retentionDays === 730 && r.storageLocation === 'local')).toBe(true);
    });

    it('filters by type, date range and archived, and pages with a total', async () => {
      for (let i = 0; i < 5; i++) {
        b.clock.set(new Date(Date.UTC(2026, 10, 1 + i)));
        await saveFile(b.services, b.client.id, `img${i}`);
      }
      b.clock.set(new Date(Date.UTC(2026, 10, 10)));
      await saveFile(b.services, b.client.id, 'doc', { kind: 'document', mimetype: 'application/pdf', fileName: 'factura.pdf' });
      const f = (filter: Parameters<Services['files']['getClientFiles']>[2]) => b.em((em) => b.services.files.getClientFiles(em, b.client.id, filter));
      expect((await f({})).total).toBe(6);
      expect((await f({ type: 'document' })).items.map((x) => x.originalFilename)).toEqual(['factura.pdf']);
      const range = await f({ type: 'image', from: new Date(Date.UTC(2026, 10, 2)), to: new Date(Date.UTC(2026, 10, 4)) });
      expect(range.total).toBe(2);
      const page2 = await f({ limit: 4, offset: 4 });
      expect(page2.items).toHaveLength(2);
      expect(page2.total).toBe(6);
      expect((await f({ archived: true })).total).toBe(0);
      await expect(f({ from: new Date(Date.UTC(2026, 10, 5)), to: new Date(Date.UTC(2026, 10, 1)) })).rejects.toThrow(/anterior/);
    });

    for (const format of ['json', 'txt', 'html'] as const) {
      it(`archives to ${format}.gz, moves the messages out and restores them identically (twice changes nothing)`, async () => {
        const phone = b.client.phoneNumber;
        const msgs = [];
        for (let i = 0; i < 4; i++) msgs.push(await b.em((em) => addMessage(em, b.client.id, phone, { date: new Date(Date.UTC(2026, 9, 10 + i, 9, 30, 15, 123)), direction: i % 2 ? 'outbound' : 'inbound', body: `línea ${i} <b>&</b>` })));
        const outside = await b.em((em) => addMessage(em, b.client.id, phone, { date: new Date(Date.UTC(2026, 9, 20)) }));
        const img = await saveFile(b.services, b.client.id, PNG, { messageId: msgs[0]!.messageId });
        const before = await allRows(b, 'conversations_log');
        const { archive, messageCount } = await b.em((em) => b.services.files.archiveConversation(em, actor, b.client.id, { from: new Date(Date.UTC(2026, 9, 10)), to: new Date(Date.UTC(2026, 9, 14)), format, move: true }));
        expect(messageCount).toBe(4);
        expect(archive.storageStatus).toBe('archived');
        expect(archive.filePath).toMatch(new RegExp(`^clients/client_${b.client.id}/archives/conversation_2026-10-10_2026-10-13_[0-9a-f]{8}\\.${format}\\.gz$`));
        const content = gunzipSync(readFileSync(join(b.db.config.STORAGE_DIR, archive.filePath!))).toString('utf8');
        if (format === 'json') expect(JSON.parse(content).messages).toHaveLength(4);
        if (format === 'txt') expect(content).toContain('línea 2 <b>&</b>');
        if (format === 'html') {
          expect(content).toContain('línea 0 &lt;b&gt;&amp;&lt;/b&gt;');
          expect(content).toContain(`src="../${img.result.relPath!.replace(`clients/client_${b.client.id}/`, '')}"`);
        }
        const during = await allRows(b, 'conversations_log');
        expect(during.map((r) => Number(r.id))).toEqual([outside.id]);
        expect((await b.em((em) => em.findOneOrFail(ClientFileStorage, { fileId: img.fileId! }))).isArchived).toBe(true);

        const first = await b.em((em) => b.services.files.restoreArchive(em, actor, archive.archiveId));
        expect(first.restored).toBe(4);
        expect(await allRows(b, 'conversations_log')).toEqual(before);
        const again = await b.em((em) => b.services.files.restoreArchive(em, actor, archive.archiveId));
        expect(again.restored).toBe(0);
        expect(await allRows(b, 'conversations_log')).toEqual(before);
        const row = await b.em((em) => em.findOneOrFail(ClientConversationArchive, { archiveId: archive.archiveId }));
        expect(row.storageStatus).toBe('active');
        expect(row.messageCount).toBe(4);
      });
    }

    it('refuses an empty range and an unknown format', async () => {
      await expect(b.em((em) => b.services.files.archiveConversation(em, actor, b.client.id, { from: new Date(Date.UTC(2020, 0, 1)), to: new Date(Date.UTC(2020, 0, 2)) }))).rejects.toThrow(/No hay mensajes/);
      await expect(b.em((em) => b.services.files.archiveConversation(em, actor, b.client.id, { from: new Date(Date.UTC(2020, 0, 1)), to: new Date(Date.UTC(2020, 0, 2)), format: 'pdf' as never }))).rejects.toThrow(/formato/);
    });

    it('backs up conversation, files and archives in one zip whose manifest SHA-256 sums match', async () => {
      const m = await b.em((em) => addMessage(em, b.client.id, b.client.phoneNumber, { date: new Date(Date.UTC(2026, 9, 10)) }));
      const img = await saveFile(b.services, b.client.id, PNG, { messageId: m.messageId });
      await saveFile(b.services, b.client.id, 'PDFDATA', { kind: 'document', mimetype: 'application/pdf' });
      const { archive } = await b.em((em) => b.services.files.archiveConversation(em, actor, b.client.id, { from: new Date(Date.UTC(2026, 9, 1)), to: new Date(Date.UTC(2026, 9, 30)), format: 'html' }));
      const backup = await b.em((em) => b.services.files.backupClient(em, actor, b.client.id));
      expect(backup.key).toMatch(new RegExp(`^clients/client_${b.client.id}/archives/backup-\\d{8}T\\d{6}Z\\.zip$`));
      const check = await b.services.files.inspectBackup(backup.key);
      expect(check).toMatchObject({ ok: true, problems: [] });
      const paths = check.entries.map((e) => e.path);
      expect(paths).toContain('conversations/conversations.json');
      expect(paths).toContain(img.result.relPath!.replace(`clients/client_${b.client.id}/`, ''));
      expect(paths).toContain(archive.filePath!.replace(`clients/client_${b.client.id}/`, ''));
      const imgEntry = check.entries.find((e) => e.path.startsWith('media/images/'))!;
      expect(imgEntry.sha256).toBe(img.result.sha256);
      // A second backup does not swallow the first one.
      const second = await b.em((em) => b.services.files.backupClient(em, actor, b.client.id));
      expect((await b.services.files.inspectBackup(second.key)).entries.some((e) => e.path.includes('backup-'))).toBe(false);
    });

    it('deletes expired files with a fake clock, keeps files under legal hold, and marks the rows', async () => {
      const other = await b.em((em) => makeClient(em, '34611000002', 'Retenida'));
      await b.em((em) => em.nativeUpdate(Usuario, { id: other.id }, { legalHold: true }));
      const old = await saveFile(b.services, b.client.id, 'OLD', { kind: 'video', mimetype: 'video/mp4' });
      const held = await saveFile(b.services, other.id, 'HELD', { kind: 'video', mimetype: 'video/mp4' });
      const keep = await saveFile(b.services, b.client.id, 'KEEP', { kind: 'document', mimetype: 'application/pdf' });
      expect((await b.em((em) => b.services.files.applyRetention(em))).expired).toBe(0);
      b.clock.advance(366 * 86_400_000);
      const res = await b.em((em) => b.services.files.applyRetention(em));
      expect(res).toEqual({ expired: 1, deletedFiles: 1, keptOnHold: 1 });
      expect(existsSync(join(b.db.config.STORAGE_DIR, old.result.relPath!))).toBe(false);
      expect(existsSync(join(b.db.config.STORAGE_DIR, held.result.relPath!))).toBe(true);
      expect(existsSync(join(b.db.config.STORAGE_DIR, keep.result.relPath!))).toBe(true);
      const row = await b.em((em) => em.findOneOrFail(ClientFileStorage, { fileId: old.fileId! }));
      expect(row.expiredAt?.toISOString()).toBe(b.clock.now().toISOString());
      const log = await b.em((em) => em.find(AuditLog, { action: 'files.retention' }));
      expect(log).toHaveLength(1);
      expect(log[0]!.details).toMatchObject({ expired: 1, fileIds: [old.fileId] });
      await expect(b.em((em) => b.services.files.openFile(em, reader, old.fileId!, 'http'))).rejects.toThrow();
    });

    it('runs retention as a registered daily job (scheduler.runNow)', async () => {
      const f = await saveFile(b.services, b.client.id, 'AUDIO', { kind: 'audio', mimetype: 'audio/ogg' });
      const scheduler = createScheduler(silentLogger());
      registerModuleJobs(scheduler, b.services);
      expect(scheduler.names()).toContain('files.retention');
      b.clock.advance(400 * 86_400_000);
      await scheduler.runNow('files.retention');
      await scheduler.stop();
      expect(existsSync(join(b.db.config.STORAGE_DIR, f.result.relPath!))).toBe(false);
    });

    it('counts every read and audits it, and /archivo auditoria lists who read what', async () => {
      const f = await saveFile(b.services, b.client.id, PNG);
      for (let i = 0; i < 2; i++) {
        const opened = await b.em((em) => b.services.files.openFile(em, reader, f.fileId!, 'chat'));
        opened.stream.destroy();
      }
      const row = await b.em((em) => em.findOneOrFail(ClientFileStorage, { fileId: f.fileId! }));
      expect(row.accessedCount).toBe(2);
      expect(row.lastAccessed?.toISOString()).toBe(b.clock.now().toISOString());
      const log = await b.em((em) => b.services.files.accessLog(em, b.client.id));
      expect(log.map((r) => [r.action, r.target, r.outcome, r.channel, r.actorPhone])).toEqual([
        ['files.download', f.fileId, 'success', 'chat', '34600000001'],
        ['files.download', f.fileId, 'success', 'chat', '34600000001'],
      ]);
    });

    it('counts archive reads too, and audits every attempt: served, unknown id, file missing on disk', async () => {
      await b.em((em) => addMessage(em, b.client.id, b.client.phoneNumber, { date: new Date(Date.UTC(2026, 9, 10)) }));
      const { archive } = await b.em((em) => b.services.files.archiveConversation(em, actor, b.client.id, { from: new Date(Date.UTC(2026, 9, 1)), to: new Date(Date.UTC(2026, 9, 30)), format: 'txt' }));
      const opened = await b.em((em) => b.services.files.openArchive(em, reader, archive.archiveId, 'chat'));
      opened.stream.destroy();
      const row = await b.em((em) => em.findOneOrFail(ClientConversationArchive, { archiveId: archive.archiveId }));
      expect(row.accessedCount).toBe(1);
      expect(row.lastAccessed?.toISOString()).toBe(b.clock.now().toISOString());
      const unknown = '00000000-0000-4000-8000-000000000000';
      await expect(b.em((em) => b.services.files.openArchive(em, reader, unknown, 'chat'))).rejects.toMatchObject({ code: 'ARCHIVE_NOT_FOUND' });
      unlinkSync(join(b.db.config.STORAGE_DIR, row.filePath!));
      await expect(b.em((em) => b.services.files.openArchive(em, reader, archive.archiveId, 'http'))).rejects.toMatchObject({ code: 'ARCHIVE_MISSING' });
      const reads = await b.em((em) => em.find(AuditLog, { action: 'files.archive_read' }, { orderBy: { id: 'asc' } }));
      expect(reads.map((r) => [r.target, r.outcome, r.channel, (r.details as { reason?: string }).reason ?? null])).toEqual([
        [archive.archiveId, 'success', 'chat', null],
        [unknown, 'failure', 'chat', 'unknown_id'],
        [archive.archiveId, 'failure', 'http', 'missing_on_disk'],
      ]);
      // The client's access log lists the reads of their archive (an unknown id names no client).
      expect((await b.em((em) => b.services.files.accessLog(em, b.client.id))).map((r) => [r.action, r.outcome])).toEqual([
        ['files.archive_read', 'failure'],
        ['files.archive_read', 'success'],
      ]);
      expect((await b.em((em) => em.findOneOrFail(ClientConversationArchive, { archiveId: archive.archiveId }))).accessedCount).toBe(1);
    });

    it('re-hashes every stored file, reports missing and corrupted ones, and --fix marks them for repair', async () => {
      const a = await saveFile(b.services, b.client.id, 'AAAA');
      const c = await saveFile(b.services, b.client.id, 'CCCC');
      await saveFile(b.services, b.client.id, 'BBBB');
      unlinkSync(join(b.db.config.STORAGE_DIR, a.result.relPath!));
      writeFileSync(join(b.db.config.STORAGE_DIR, c.result.relPath!), 'tampered');
      const seen: number[] = [];
      const dry = await b.em((em) => b.services.files.verifyFiles(em, { onProgress: (p) => seen.push(p.done) }));
      expect(dry.checked).toBe(3);
      expect(seen).toEqual([1, 2, 3]);
      expect(dry.problems.map((p) => [p.fileId, p.problem]).sort()).toEqual([[a.fileId, 'missing'], [c.fileId, 'corrupted']].sort());
      const fixed = await b.em((em) => b.services.files.verifyFiles(em, { fix: true }));
      expect(fixed.fixed).toBe(2);
      const rows = await b.em((em) => em.find(ClientFileStorage, { downloadStatus: 'failed' } as never));
      expect(rows.map((r) => r.fileId).sort()).toEqual([a.fileId, c.fileId].sort());
      expect((await b.em((em) => b.services.files.verifyFiles(em))).problems).toEqual([]);
    });

    it('refuses path traversal in keys, stored paths, archive paths and zip entries', async () => {
      for (const bad of ['../x', '/etc/passwd', 'a/../../b', 'a\\b', 'clients/./x', '', 'c:/x', 'a\0b']) expect(() => safeKey(bad), bad).toThrow(PathOutsideStorage);
      const f = await saveFile(b.services, b.client.id, PNG);
      await b.em((em) => em.nativeUpdate(ClientFileStorage, { fileId: f.fileId! }, { filePath: '../../../../etc/passwd' }));
      await expect(b.em((em) => b.services.files.openFile(em, reader, f.fileId!, 'chat'))).rejects.toMatchObject({ code: 'PATH_OUTSIDE_STORAGE' });
      const m = await b.em((em) => addMessage(em, b.client.id, b.client.phoneNumber, { date: new Date(Date.UTC(2026, 9, 10)) }));
      void m;
      const { archive } = await b.em((em) => b.services.files.archiveConversation(em, actor, b.client.id, { from: new Date(Date.UTC(2026, 9, 1)), to: new Date(Date.UTC(2026, 9, 30)), move: true }));
      for (const bad of [`clients/client_${b.client.id}/archives/../../../etc/passwd`, `clients/client_999/archives/x.json.gz`, '/etc/passwd']) {
        await b.em((em) => em.nativeUpdate(ClientConversationArchive, { archiveId: archive.archiveId }, { filePath: bad }));
        await expect(b.em((em) => b.services.files.restoreArchive(em, actor, archive.archiveId)), bad).rejects.toMatchObject({ code: 'PATH_OUTSIDE_STORAGE' });
        await expect(b.em((em) => b.services.files.openArchive(em, reader, archive.archiveId, 'http')), bad).rejects.toMatchObject({ code: 'PATH_OUTSIDE_STORAGE' });
      }
      await expect(b.em((em) => b.services.files.restoreArchive(em, actor, '../../etc/passwd'))).rejects.toMatchObject({ code: 'INVALID_ID' });
      const evil = zipSync({ 'manifest.json': strToU8('{"kind":"mariadono-client-backup","entries":[]}'), '../../evil.txt': strToU8('x') });
      expect(() => inspectBackupZip(evil)).toThrow(PathOutsideStorage);
    });
  });
}
