import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../src/cli.ts';
import { createServices } from '../src/services.ts';
import { silentLogger } from '../src/logger.ts';
import { systemClock } from '../src/shared/clock.ts';
import { withEm } from '../src/db/orm.ts';
import { AuditLog } from '../src/modules/identity/audit-log.entity.ts';
import { hashAuditRow } from '../src/modules/identity/audit-hash.ts';
import { ClientFileStorage } from '../src/modules/files/client-file-storage.entity.ts';
import { createTestOrm, type TestOrm } from './helpers/db.ts';
import { makeClient, saveFile } from './modules/files/fixtures.ts';

function capture(): CliIo & { text: () => string } {
  const lines: string[] = [];
  return { out: (l) => lines.push(l), err: (l) => lines.push(l), text: () => lines.join('\n') };
}

let db: TestOrm;
afterEach(async () => {
  await db.cleanup();
});
const envOf = (d: TestOrm) => ({ STORAGE_DIR: d.config.STORAGE_DIR, DATABASE_URL: d.config.db.url, LOG_LEVEL: 'silent', WHATSAPP_ENABLED: 'false' });

/** Audit rows as the code before the erasure redesign wrote them (hash over the phones in clear). */
async function writeV1Rows(d: TestOrm, n: number, breakAt?: number) {
  await withEm(d.orm, async (em) => {
    let prev: string | null = null;
    for (let i = 0; i < n; i++) {
      const fields = { actorId: null, actorPhone: '34600000001', action: `command.test.${i}`, target: '34611000009', details: { args: { telefono: '34611000009' } }, outcome: 'success', durationMs: 5, channel: 'chat', createdAt: new Date(Date.UTC(2026, 10, 1, 10, i)) };
      const hash = hashAuditRow(prev, fields);
      em.create(AuditLog, { ...fields, hashVersion: 1, prevHash: prev, hash: i === breakAt ? '1'.repeat(64) : hash } as never);
      prev = hash;
    }
    await em.flush();
  });
}

describe('mariadono files verify / audit data step', () => {
  it('files verify reports missing files (exit 1) and --fix marks them for the repair job (exit 0)', async () => {
    db = await createTestOrm('sqlite');
    const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock: systemClock });
    const client = await withEm(db.orm, (em) => makeClient(em, '34611000001', 'Ana'));
    const gone = await saveFile(services, client.id, 'GONE');
    await saveFile(services, client.id, 'OK');
    unlinkSync(join(db.config.STORAGE_DIR, gone.result.relPath!));
    let io = capture();
    expect(await runCli(['files', 'verify'], envOf(db), io)).toBe(1);
    expect(io.text()).toContain(`FALTA ${gone.fileId}`);
    expect(io.text()).toContain('archivos verificados: 2; con problemas: 1');
    io = capture();
    expect(await runCli(['files', 'verify', '--fix'], envOf(db), io)).toBe(0);
    expect(io.text()).toContain('marcados para volver a descargar: 1');
    const row = await withEm(db.orm, (em) => em.findOneOrFail(ClientFileStorage, { fileId: gone.fileId! }));
    expect(row.downloadStatus).toBe('failed');
    expect(await runCli(['files', 'check'], envOf(db), capture())).toBe(2);
  });

  it('re-chains version-1 audit rows with keyed digests at boot, so audit verify passes and erasure can blank them', async () => {
    db = await createTestOrm('sqlite');
    await writeV1Rows(db, 5);
    const io = capture();
    expect(await runCli(['audit', 'verify'], envOf(db), io)).toBe(0);
    expect(io.text()).toContain('5 filas verificadas');
    const rows = await withEm(db.orm, (em) => em.find(AuditLog, {}, { orderBy: { id: 'asc' } }));
    expect(rows.every((r) => r.hashVersion === 2 && r.actorPhoneDigest && r.targetDigest && r.detailsDigest)).toBe(true);
    // Digests are keyed: not a plain SHA-256 of the phone.
    expect(rows[0]!.actorPhoneDigest).not.toBe('');
    const services = createServices({ config: db.config, logger: silentLogger(), orm: db.orm, clock: systemClock });
    expect(await withEm(db.orm, (em) => services.audit!.erase(em, ['34611000009'], new Date()))).toBe(5);
    expect(await withEm(db.orm, (em) => services.audit!.verify(em))).toMatchObject({ ok: true, count: 5, erased: 5 });
  });

  it('leaves a broken version-1 chain alone (re-hashing would hide the break) and reports it', async () => {
    db = await createTestOrm('sqlite');
    await writeV1Rows(db, 4, 2);
    const io = capture();
    expect(await runCli(['audit', 'verify'], envOf(db), io)).toBe(1);
    const ids = (await withEm(db.orm, (em) => em.find(AuditLog, {}, { orderBy: { id: 'asc' } }))).map((r) => [r.id, r.hashVersion]);
    expect(ids.every(([, v]) => v === 1)).toBe(true);
    expect(io.text()).toContain(`audit_log id ${ids[2]![0]}`);
  });
});
