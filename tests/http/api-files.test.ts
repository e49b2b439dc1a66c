import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/modules/identity/audit-log.entity.ts';
import { ClientFileStorage } from '../../src/modules/files/client-file-storage.entity.ts';
import { CustomerReport } from '../../src/modules/campaigns/customer-report.entity.ts';
import { contentDisposition } from '../../src/http/api/download.ts';
import { fork, makeUser } from '../modules/meta/rows.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
let agent: { token: string; userId: number };
let admin: { token: string; userId: number };
let clientId: number;

beforeAll(async () => {
  srv = await startTestServer();
  agent = await loginAs(srv, '34600000304', 'agent');
  admin = await loginAs(srv, '34600000302', 'admin');
  clientId = (await makeUser(fork(srv.orm), '34611222333', 'Clienta')).id;
});
afterAll(() => srv.close());

/** A client file on disk + its row; `rel` may be anything (tests of tampered rows). */
async function makeFile(opts: { owner?: number; rel?: string; bytes?: Buffer; name?: string | null; mime?: string; write?: boolean } = {}) {
  const owner = opts.owner ?? clientId;
  const bytes = opts.bytes ?? randomBytes(3000);
  const rel = opts.rel ?? `clients/client_${owner}/documents/${randomBytes(8).toString('hex')}.pdf`;
  if (opts.write !== false && !rel.includes('..') && !rel.startsWith('/')) {
    mkdirSync(join(srv.config.STORAGE_DIR, rel, '..'), { recursive: true });
    writeFileSync(join(srv.config.STORAGE_DIR, rel), bytes);
  }
  const em = fork(srv.orm);
  const row = em.create(ClientFileStorage, {
    cliente: owner, fileType: 'document', mimeType: opts.mime ?? 'application/pdf', originalFilename: opts.name === undefined ? 'factura.pdf' : opts.name,
    fileSize: bytes.length, filePath: rel, downloadStatus: 'ok',
  } as never);
  await em.flush();
  return { fileId: row.fileId, bytes };
}

const download = (id: string, token = agent.token) => srv.app.inject({ method: 'GET', url: `/api/files/${id}`, headers: bearer(token) });
const auditFor = (target: string) => fork(srv.orm).find(AuditLog, { target }, { orderBy: { id: 'asc' } });

describe('GET /api/files/:fileId', () => {
  it('streams the bytes with type, length and disposition, counts the access and audits it', async () => {
    const { fileId, bytes } = await makeFile();
    const res = await download(fileId);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.headers['content-disposition']).toBe('attachment; filename="factura.pdf"');
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.rawPayload.equals(bytes)).toBe(true);
    await download(fileId);
    const row = await fork(srv.orm).findOneOrFail(ClientFileStorage, { fileId });
    expect(row.accessedCount).toBe(2);
    expect(row.lastAccessed).toBeInstanceOf(Date);
    const audit = await auditFor(fileId);
    expect(audit.map((a) => [a.action, a.outcome, a.actorPhone])).toEqual([
      ['files.download', 'success', '34600000304'],
      ['files.download', 'success', '34600000304'],
    ]);
  });

  it('sends non-ASCII names as RFC 5987 with an ASCII fallback', async () => {
    const { fileId } = await makeFile({ name: 'presupuesto año 2026 "final".pdf' });
    const res = await download(fileId);
    expect(res.headers['content-disposition']).toBe(
      // Quotes were already replaced when the name was stored (sanitizeFileName).
      `attachment; filename="presupuesto ano 2026 _final_.pdf"; filename*=UTF-8''presupuesto%20a%C3%B1o%202026%20_final_.pdf`,
    );
    const noName = await makeFile({ name: null, mime: 'image/jpeg' });
    expect((await download(noName.fileId)).headers['content-disposition']).toMatch(/^attachment; filename="archivo-[0-9a-f]{8}\.jpg"$/);
  });

  it('answers 404 for an unknown id and for a file missing on disk (audited)', async () => {
    const unknown = await download('5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('FILE_NOT_FOUND');
    expect((await auditFor('5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d'))[0]).toMatchObject({ outcome: 'failure', details: { reason: 'unknown_id' } });
    const { fileId } = await makeFile({ write: false });
    const missing = await download(fileId);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatchObject({ code: 'FILE_MISSING', message: expect.stringContaining('ya no está disponible') });
    expect((await auditFor(fileId))[0]).toMatchObject({ outcome: 'failure', details: { reason: 'missing_on_disk', clienteId: clientId } });
  });

  it('answers 404 (audited, never 500) when the stored path is a directory, a dangling link or a file deleted after the row', async () => {
    const dirRel = `clients/client_${clientId}/documents`;
    const danglingRel = `clients/client_${clientId}/documents/gone-${randomBytes(4).toString('hex')}.pdf`;
    symlinkSync(join(srv.config.STORAGE_DIR, `clients/client_${clientId}/nowhere.pdf`), join(srv.config.STORAGE_DIR, danglingRel));
    const deleted = await makeFile();
    const row = await fork(srv.orm).findOneOrFail(ClientFileStorage, { fileId: deleted.fileId });
    rmSync(join(srv.config.STORAGE_DIR, row.filePath));
    const ids = [(await makeFile({ rel: dirRel, write: false })).fileId, (await makeFile({ rel: danglingRel, write: false })).fileId, deleted.fileId];
    for (const fileId of ids) {
      const res = await download(fileId);
      expect(res.statusCode, fileId).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'FILE_MISSING', message: expect.stringContaining('ya no está disponible') });
      expect((await auditFor(fileId))[0]).toMatchObject({ outcome: 'failure', details: { reason: 'missing_on_disk' } });
      expect((await fork(srv.orm).findOneOrFail(ClientFileStorage, { fileId })).accessedCount).toBe(0);
    }
  });

  it('refuses traversal in the URL: the id must be a UUID, or the route does not match', async () => {
    const cases: Array<[string, number]> = [
      ['/api/files/..%2F..%2Fetc%2Fpasswd', 400],
      ['/api/files/5b8c5f0e-7c1e-4a7e-9d55-0e6a8f3b1c2d%00.pdf', 400],
      ['/api/files/%2e%2e', 404],
      ['/api/files/../../etc/passwd', 404],
    ];
    for (const [url, status] of cases) {
      const res = await srv.app.inject({ method: 'GET', url, headers: bearer(agent.token) });
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.code).toBe(status === 400 ? 'VALIDATION_ERROR' : 'NOT_FOUND');
      expect(res.body).not.toContain('root:');
    }
  });

  it('refuses a stored path that escapes STORAGE_DIR (../, absolute, symlink out) with 403 and audits it', async () => {
    const outside = join(tmpdir(), `secret-${randomBytes(4).toString('hex')}.txt`);
    writeFileSync(outside, 'TOP SECRET');
    const linkRel = `clients/client_${clientId}/documents/link-${randomBytes(4).toString('hex')}.pdf`;
    mkdirSync(join(srv.config.STORAGE_DIR, linkRel, '..'), { recursive: true });
    symlinkSync(outside, join(srv.config.STORAGE_DIR, linkRel));
    for (const rel of ['../../../../etc/passwd', `clients/../../${outside}`, outside, linkRel]) {
      const { fileId } = await makeFile({ rel, write: false });
      const res = await download(fileId);
      expect(res.statusCode, rel).toBe(403);
      expect(res.json().error.code).toBe('PATH_OUTSIDE_STORAGE');
      expect(res.body).not.toContain('TOP SECRET');
      expect((await auditFor(fileId))[0]).toMatchObject({ outcome: 'denied', details: { reason: 'path_outside_storage' } });
      expect((await fork(srv.orm).findOneOrFail(ClientFileStorage, { fileId })).accessedCount).toBe(0);
    }
  });

  it('refuses an agent the file of a staff member ranked above them (403, audited); the admin may read it', async () => {
    const { fileId } = await makeFile({ owner: admin.userId });
    const res = await download(fileId);
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'FILE_FORBIDDEN', message: 'No tienes permiso para descargar este archivo.' });
    expect((await auditFor(fileId))[0]).toMatchObject({ outcome: 'denied', details: { reason: 'not_allowed' } });
    expect((await download(fileId, admin.token)).statusCode).toBe(200);
  });

  it('lists a client\'s files with their download URL', async () => {
    const res = await srv.app.inject({ url: '/api/clients/+34611222333/files?limit=2', headers: bearer(agent.token) });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(2);
    expect(body.items[0].download_url).toBe(`/api/files/${body.items[0].file_id}`);
  });
});

describe('reports', () => {
  it('lists reports and downloads one with access audit; a report without a file is 404', async () => {
    const rel = 'reports/informe-marzo.csv';
    mkdirSync(join(srv.config.STORAGE_DIR, 'reports'), { recursive: true });
    writeFileSync(join(srv.config.STORAGE_DIR, rel), 'fecha;mensajes\n2026-03-01;12\n');
    const em = fork(srv.orm);
    const withFile = em.create(CustomerReport, { cliente: clientId, reportType: 'monthly_activity', reportTitle: 'Actividad de marzo', format: 'csv', filePath: rel } as never);
    const noFile = em.create(CustomerReport, { cliente: clientId, reportType: 'growth', format: 'pdf' } as never);
    await em.flush();
    const list = await srv.app.inject({ url: '/api/reports?phone=34611222333', headers: bearer(admin.token) });
    expect(list.json().total).toBe(2);
    const res = await srv.app.inject({ url: `/api/reports/${withFile.reportId}/download`, headers: bearer(admin.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="Actividad de marzo.csv"');
    expect(res.body).toBe('fecha;mensajes\n2026-03-01;12\n');
    expect((await auditFor(withFile.reportId))[0]).toMatchObject({ action: 'reports.download', outcome: 'success' });
    const none = await srv.app.inject({ url: `/api/reports/${noFile.reportId}/download`, headers: bearer(admin.token) });
    expect(none.statusCode).toBe(404);
    expect(none.json().error.code).toBe('REPORT_NO_FILE');
    // The agent role has no reports.view.
    expect((await srv.app.inject({ url: `/api/reports/${withFile.reportId}/download`, headers: bearer(agent.token) })).statusCode).toBe(403);
  });
});

describe('contentDisposition', () => {
  it('strips control characters and path separators', () => {
    expect(contentDisposition('a\r\nb/c\\d.txt')).toBe('attachment; filename="ab_c_d.txt"');
    expect(contentDisposition('"año";.txt')).toBe(`attachment; filename="_ano__.txt"; filename*=UTF-8''%22a%C3%B1o%22%3B.txt`);
  });
});
