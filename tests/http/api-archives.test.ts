import { gunzipSync } from 'node:zlib';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fork, makeUser } from '../modules/meta/rows.ts';
import { addMessage, saveFile } from '../modules/files/fixtures.ts';
import { bearer, loginAs, startTestServer, type TestServer } from './setup.ts';

let srv: TestServer;
let agent: { token: string };
let admin: { token: string };
let viewer: { token: string };
const PHONE = '34611555666';

beforeAll(async () => {
  srv = await startTestServer();
  agent = await loginAs(srv, '34600000404', 'agent');
  admin = await loginAs(srv, '34600000402', 'admin');
  viewer = await loginAs(srv, '34600000406', 'viewer');
  const em = fork(srv.orm);
  const u = await makeUser(em, PHONE, 'Clienta Http');
  for (let i = 0; i < 3; i++) await addMessage(em, u.id, PHONE, { date: new Date(Date.UTC(2026, 9, 5 + i)), body: `hola ${i}` });
  await saveFile(srv.services, u.id, 'IMGBYTES');
});
afterAll(() => srv.close());

describe('archives, backups, access audit and export over HTTP', () => {
  it('archives, downloads and restores through the same files service, refusing non-UUID ids', async () => {
    const made = await srv.app.inject({ method: 'POST', url: `/api/clients/%2B${PHONE}/archives`, headers: bearer(agent.token), payload: { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', format: 'txt', move: true } });
    expect(made.statusCode).toBe(201);
    const archive = made.json();
    expect(archive).toMatchObject({ format: 'txt', message_count: 3, storage_status: 'archived' });
    const dl = await srv.app.inject({ method: 'GET', url: archive.download_url, headers: bearer(agent.token) });
    expect(dl.statusCode).toBe(200);
    expect(gunzipSync(dl.rawPayload).toString('utf8')).toContain('hola 2');
    // Archive reads are counted like file reads (UC-004).
    const [counted] = await srv.orm.em.fork().getConnection().execute('select accessed_count, last_accessed from client_conversation_archive where archive_id = ?', [archive.archive_id]);
    expect(counted.accessed_count).toBe(1);
    expect(counted.last_accessed).toBeTruthy();
    const restored = await srv.app.inject({ method: 'POST', url: `/api/archives/${archive.archive_id}/restore`, headers: bearer(agent.token) });
    expect(restored.json()).toMatchObject({ restored: 3, storage_status: 'active' });
    expect((await srv.app.inject({ method: 'POST', url: `/api/archives/${archive.archive_id}/restore`, headers: bearer(agent.token) })).json().restored).toBe(0);
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E', 'not-a-uuid']) {
      expect([400, 404]).toContain((await srv.app.inject({ method: 'GET', url: `/api/archives/${bad}/download`, headers: bearer(agent.token) })).statusCode);
    }
    expect((await srv.app.inject({ method: 'POST', url: `/api/clients/%2B${PHONE}/archives`, headers: bearer(viewer.token), payload: { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' } })).statusCode).toBe(403);
  });

  it('filters the file list, backs up, shows who read what, and exports (clients.export only)', async () => {
    const list = await srv.app.inject({ method: 'GET', url: `/api/clients/${PHONE}/files?type=image&limit=5`, headers: bearer(agent.token) });
    expect(list.json()).toMatchObject({ total: 1, limit: 5 });
    expect((await srv.app.inject({ method: 'GET', url: `/api/clients/${PHONE}/files?type=pdf`, headers: bearer(agent.token) })).statusCode).toBe(400);
    const fileId = list.json().items[0].file_id;
    expect((await srv.app.inject({ method: 'GET', url: `/api/files/${fileId}`, headers: bearer(agent.token) })).statusCode).toBe(200);
    const backup = await srv.app.inject({ method: 'POST', url: `/api/clients/${PHONE}/backups`, headers: bearer(agent.token) });
    expect(backup.statusCode).toBe(201);
    expect(backup.json().entries.map((e: { path: string }) => e.path)).toContain('manifest.json');
    const access = await srv.app.inject({ method: 'GET', url: `/api/clients/${PHONE}/file-access`, headers: bearer(admin.token) });
    expect(access.json().items[0]).toMatchObject({ action: 'files.download', target: fileId, outcome: 'success', channel: 'http', actor_phone: '34600000404' });
    expect((await srv.app.inject({ method: 'GET', url: `/api/clients/${PHONE}/file-access`, headers: bearer(agent.token) })).statusCode).toBe(403);
    expect((await srv.app.inject({ method: 'POST', url: `/api/clients/${PHONE}/export`, headers: bearer(agent.token) })).statusCode).toBe(403);
    const exp = await srv.app.inject({ method: 'POST', url: `/api/clients/${PHONE}/export`, headers: bearer(admin.token) });
    expect(exp.statusCode).toBe(200);
    expect(exp.headers['content-type']).toBe('application/zip');
    expect(strFromU8(unzipSync(exp.rawPayload)['data/profile.json']!)).toContain(PHONE);
  });
});
