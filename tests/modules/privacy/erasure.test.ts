import { mkdirSync, writeFileSync } from 'node:fs';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pgAvailable } from '../../helpers/db.ts';
import { makeAdminHarness, seedTeam, PHONES, type AdminHarness } from '../admin/harness.ts';
import { Usuario } from '../../../src/modules/identity/usuario.entity.ts';
import { AuditLog } from '../../../src/modules/identity/audit-log.entity.ts';
import { ClientFileStorage } from '../../../src/modules/files/client-file-storage.entity.ts';
import { ClientConversationArchive } from '../../../src/modules/files/client-conversation-archive.entity.ts';
import { Pedido } from '../../../src/modules/orders/pedido.entity.ts';
import { WhatsappGroup } from '../../../src/modules/groups/whatsapp-group.entity.ts';
import { WhatsappGroupMember } from '../../../src/modules/groups/whatsapp-group-member.entity.ts';
import { WhatsappGroupMessageLog } from '../../../src/modules/groups/whatsapp-group-message-log.entity.ts';
import { WebhookInbox } from '../../../src/modules/meta/webhook-inbox.entity.ts';
import { listTables } from '../../../src/modules/privacy/catalog.ts';
import { addMessage, makeClient, saveFile } from '../files/fixtures.ts';

const PHONE = '34677001122';
const NAME = 'Wilhelmina Zabaleta';
const LID = '998877665544';
const EMAIL = 'wil.zabaleta@ejemplo.test';
const SECRET = 'turquesa-7731';
const MEDIA = 'MEDIA-MARKER-5521';
const TRACES = [PHONE, NAME, 'Zabaleta', LID, EMAIL, SECRET, MEDIA];
const codeIn = (reply: string) => /\/confirmar ([A-Z0-9]{6})/.exec(reply)?.[1];

/** Every file under a folder (the SQLite database and its WAL included). */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

async function seedClient(h: AdminHarness) {
  return h.em(async (em) => {
    const u = await makeClient(em, PHONE, NAME);
    u.lid = LID;
    u.email = EMAIL;
    u.birthDate = '1990-05-04' as never;
    const other = await makeClient(em, '34677009999', 'Carlos Otro');
    // Someone else who shares a first name: her data is hers, and stays.
    await makeClient(em, '34677008888', 'Wilhelmina Pérez');
    await em.flush();
    await addMessage(em, u.id, PHONE, { date: new Date('2026-11-20T10:00:00Z'), body: `mi color secreto es ${SECRET}` });
    await addMessage(em, u.id, PHONE, { date: new Date('2026-11-20T10:00:05Z'), body: `Hola ${NAME}, ¿en qué te ayudo?`, direction: 'outbound' });
    await addMessage(em, other.id, other.phoneNumber, { date: new Date('2026-11-20T11:00:00Z'), body: `mi amiga ${NAME} tiene el +${PHONE}` });
    // What staff typed and what the bot answered them, in the admin's own conversation.
    const admin = (await em.findOneOrFail(Usuario, { phoneNumber: PHONES.superAdmin }));
    await addMessage(em, admin.id, PHONES.superAdmin, { date: new Date('2026-11-20T12:00:00Z'), body: `/archivo lista +${PHONE}` });
    await addMessage(em, admin.id, PHONES.superAdmin, { date: new Date('2026-11-20T12:00:01Z'), body: `📁 Archivos de +${PHONE} (${NAME})`, direction: 'outbound' });
    em.create(Pedido, { cliente: u, total: '49.90', notes: `entregar a ${NAME}` } as never);
    const group = em.create(WhatsappGroup, { groupId: 'G1@g.us', groupJid: 'G1@g.us', groupName: 'Clientes VIP', owner: u } as never);
    em.create(WhatsappGroupMember, { group, memberPhoneNumber: PHONE, memberName: NAME, memberLid: LID } as never);
    em.create(WhatsappGroupMessageLog, { messageId: 'GM1', group, senderPhoneNumber: PHONE, senderName: NAME, messageBody: SECRET, messageType: 'text', isBotMessage: false, messageTimestamp: new Date('2026-11-20T13:00:00Z') } as never);
    em.create(WhatsappGroupMessageLog, { messageId: 'GM2', group, senderPhoneNumber: '34677009999', senderName: 'Carlos Otro', messageBody: `saludos a ${NAME}`, messageType: 'text', isBotMessage: false, messageTimestamp: new Date('2026-11-20T13:01:00Z') } as never);
    em.create(WebhookInbox, { dedupeKey: 'k1', payload: { entry: [{ changes: [{ value: { contacts: [{ wa_id: PHONE }], messages: [{ text: { body: SECRET } }] } }] }] } } as never);
    await em.flush();
    return { client: u, other };
  });
}

for (const kind of ['sqlite', 'postgresql'] as const) {
  describe.skipIf(kind === 'postgresql' && !(await pgAvailable()))(`client data rights on ${kind}`, () => {
    let h: AdminHarness;
    beforeEach(async () => {
      h = await makeAdminHarness(kind);
      await seedTeam(h);
    });
    afterEach(async () => {
      await h.close();
    });

    it('exports everything about the client as a zip of JSON + HTML, after a step-up confirmation, and records it', async () => {
      const { client } = await seedClient(h);
      const file = await saveFile(h.services, client.id, MEDIA);
      // A message moved out of the log into a txt archive: the export still carries it.
      const MOVED = 'mensaje-archivado-4410';
      const { archive } = await h.em(async (em) => {
        await addMessage(em, client.id, PHONE, { date: new Date('2026-11-05T09:00:00Z'), body: MOVED });
        return h.services.files.archiveConversation(em, { userId: null, phone: null, channel: 'system' }, client.id, { from: new Date('2026-11-05T00:00:00Z'), to: new Date('2026-11-06T00:00:00Z'), format: 'txt', move: true });
      });
      const ask = await h.say(PHONES.admin, `/cliente exportar +${PHONE}`);
      expect(ask).toContain('Vas a exportar TODOS los datos');
      await h.say(PHONES.admin, `/confirmar ${codeIn(ask)}`);
      await h.router.idle();
      const doc = h.delivered.map((d) => d.reply).find((r) => r.kind === 'document');
      expect(doc).toMatchObject({ kind: 'document', mimetype: 'application/zip' });
      const zip = unzipSync(readFileSync((doc as { path: string }).path));
      const names = Object.keys(zip);
      expect(names).toEqual(expect.arrayContaining(['index.html', 'conversacion.html', 'data/profile.json', 'data/consent.json', 'data/conversations_log.cliente_id.json', 'data/pedidos.clienteId.json', 'data/client_file_storage.cliente_id.json', 'data/whatsapp_group_members.member_phone_number.json', 'data/whatsapp_group_messages_log.sender_phone_number.json']));
      expect(names.some((n) => n.startsWith('files/media/images/'))).toBe(true);
      expect(strFromU8(zip['data/conversations_log.cliente_id.json']!)).toContain(SECRET);
      expect(strFromU8(zip['data/profile.json']!)).toContain(EMAIL);
      expect(strFromU8(zip['data/profile.json']!)).not.toContain('password_hash');
      expect(strFromU8(zip['index.html']!)).toContain(NAME);
      expect(strFromU8(zip['data/pedidos.clienteId.json']!)).toContain('49.9');
      const rows = await h.audit();
      expect(rows.find((r) => r.action === 'clients.export' && r.outcome === 'success')?.details).toMatchObject({ clienteId: client.id });
      expect(rows.some((r) => r.action === 'files.export')).toBe(true);
      const f = await h.em((em) => em.findOneOrFail(ClientFileStorage, { fileId: file.fileId! }));
      expect(f.accessedCount).toBe(1);
      const archived = names.filter((n) => n.startsWith('files/archives/conversation_2026-11-05_2026-11-05_')).sort();
      expect(archived).toHaveLength(2);
      expect(archived[0]).toMatch(/\.json\.gz$/);
      expect(archived[1]).toMatch(/\.txt\.gz$/);
      for (const name of archived) expect(gunzipSync(zip[name]!).toString('utf8')).toContain(MOVED);
      expect(rows.find((r) => r.action === 'files.export')?.details).toMatchObject({ files: 1, archives: 1 });
      const a = await h.em((em) => em.findOneOrFail(ClientConversationArchive, { archiveId: archive.archiveId }));
      expect(a.accessedCount).toBe(1);
      expect(a.lastAccessed).toBeTruthy();
    });

    it('erases the client everywhere — every column of every table, every file under storage — and the audit log still verifies and detects tampering', async () => {
      const { client, other } = await seedClient(h);
      await saveFile(h.services, client.id, MEDIA);
      // A table another branch might add later, unknown to this code: found through the catalog.
      const raw = h.db.orm.em.fork().getConnection();
      await raw.execute(kind === 'postgresql' ? 'create table loyalty_notes (id serial primary key, note varchar(40), extra jsonb)' : 'create table loyalty_notes (id integer primary key, note text, extra json)');
      await raw.execute('insert into loyalty_notes (note, extra) values (?, ?)', [`VIP: ${NAME}`, JSON.stringify({ phone: PHONE, lid: LID })]);
      // BuilderBot's own log repeats message content (outside the database): one line is theirs.
      mkdirSync(join(h.db.config.STORAGE_DIR, 'whatsapp'), { recursive: true });
      writeFileSync(join(h.db.config.STORAGE_DIR, 'whatsapp', 'core.class.log'), `[x] from ${PHONE}: ${SECRET}\n[y] from 34699999999: hola\n`);
      // Staff work that leaves traces: listings, an archive, a backup, an export.
      expect(await h.say(PHONES.admin, `/archivo lista +${PHONE}`)).toContain('Archivos de');
      expect(await h.say(PHONES.admin, `/archivo archivar +${PHONE} 2026-11-01 2026-11-30 html`)).toContain('Archivados 2');
      await h.say(PHONES.admin, `/archivo respaldo +${PHONE}`);
      const ex = await h.say(PHONES.admin, `/cliente exportar +${PHONE}`);
      await h.say(PHONES.admin, `/confirmar ${codeIn(ex)}`);
      await h.router.idle();

      // The day is rolled up: the report summaries name the client too (by phone, and by id).
      await h.db.orm.em.fork().getConnection().execute(`update conversations_log set channel_id = 1`);
      await h.em((e) => h.services.reports.stats.rollupDay(e, '2026-11-20'));
      const summaries = async () => [
        ...((await h.db.orm.em.fork().getConnection().execute(`select phone from channel_monthly_users where phone = ?`, [PHONE])) as unknown[]),
        ...((await h.db.orm.em.fork().getConnection().execute(`select cliente_id from client_monthly_activity where cliente_id = ?`, [client.id])) as unknown[]),
      ];
      expect(await summaries()).toHaveLength(2);

      // The scan below must be able to fail: before the erasure it finds the client everywhere.
      const before = JSON.stringify(await h.db.orm.em.fork().getConnection().execute('select * from conversations_log'));
      expect(before).toContain(SECRET);
      expect(walk(h.db.config.STORAGE_DIR).some((p) => readFileSync(p).toString('latin1').includes(MEDIA))).toBe(true);

      expect(await h.say(PHONES.admin, `/cliente olvidar +${PHONE}`)).toContain('no tienes permiso');
      const ask = await h.say(PHONES.superAdmin, `/cliente olvidar +${PHONE}`);
      expect(ask).toContain('Vas a BORRAR');
      const done = await h.say(PHONES.superAdmin, `/confirmar ${codeIn(ask)}`);
      expect(done).toContain(`Cliente #${client.id} borrado`);
      expect(await summaries()).toEqual([]);
      // Only their lines leave the log; other people's stay.
      expect(readFileSync(join(h.db.config.STORAGE_DIR, 'whatsapp', 'core.class.log'), 'utf8')).toBe('[y] from 34699999999: hola\n');

      // Every column of every table (found in the database catalog, so new tables count too).
      const em = h.db.orm.em.fork();
      const conn = em.getConnection();
      const tables = await listTables(em as never, kind);
      expect(tables.length).toBeGreaterThanOrEqual(34);
      for (const table of tables) {
        const rows = (await conn.execute(`select * from ${kind === 'postgresql' ? `"${table}"` : table}`)) as unknown[];
        const dump = JSON.stringify(rows);
        for (const trace of TRACES) expect(dump.includes(trace), `${trace} in ${table}`).toBe(false);
      }
      // Every file under STORAGE_DIR (the SQLite file and its WAL too).
      if (kind === 'sqlite') await conn.execute('pragma wal_checkpoint(TRUNCATE)');
      for (const path of walk(h.db.config.STORAGE_DIR)) {
        const bytes = readFileSync(path).toString('latin1');
        for (const trace of TRACES) expect(bytes.includes(trace), `${trace} in ${path}`).toBe(false);
      }
      expect(walk(h.db.config.STORAGE_DIR).some((p) => p.includes(`client_${client.id}`))).toBe(false);

      // Anonymous aggregates and other people's rows survive, without the mention.
      const order = await h.em((e) => e.findOneOrFail(Pedido, { cliente: client.id } as never));
      expect(String(order.total)).toMatch(/^49\.90?$/);
      expect((await h.em((e) => e.findOneOrFail(Usuario, { phoneNumber: '34677008888' }))).nombre).toBe('Wilhelmina Pérez');
      const anon = await h.em((e) => e.findOneOrFail(Usuario, { id: client.id }));
      expect(anon).toMatchObject({ phoneNumber: `borrado-${client.id}`, nombre: null, email: null, lid: null, isActive: false });
      expect(await conn.execute('select note from loyalty_notes')).toEqual([{ note: 'VIP: [borrado]' }]);
      const carlos = (await conn.execute(`select body from conversations_log where cliente_id = ?`, [other.id])) as Array<{ body: string }>;
      expect(carlos[0]!.body).toBe('mi amiga [borrado] tiene el +[borrado]');

      // The erasure is recorded without the erased data, and the chain still verifies.
      const rows = await h.em((e) => e.find(AuditLog, { action: 'clients.erase' }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ target: `usuario:${client.id}`, outcome: 'success' });
      const verify = await h.em((e) => h.services.audit!.verify(e));
      expect(verify.ok).toBe(true);
      expect(verify.erased).toBeGreaterThan(0);

      // Tampering is still detected: a blanked row's other fields, and a kept personal field.
      const erased = await h.em((e) => e.findOneOrFail(AuditLog, { erasedAt: { $ne: null } } as never, { orderBy: { id: 'asc' } }));
      await conn.execute(`update audit_log set outcome = 'denied' where id = ?`, [erased.id]);
      expect(await h.em((e) => h.services.audit!.verify(e))).toMatchObject({ ok: false, brokenId: erased.id, reason: 'hash_mismatch' });
      await conn.execute(`update audit_log set outcome = ? where id = ?`, [erased.outcome, erased.id]);
      expect((await h.em((e) => h.services.audit!.verify(e))).ok).toBe(true);
      const kept = await h.em((e) => e.findOneOrFail(AuditLog, { actorPhone: PHONES.agent } as never).catch(() => e.findOneOrFail(AuditLog, { actorPhone: { $ne: null }, erasedAt: null } as never, { orderBy: { id: 'desc' } })));
      await conn.execute(`update audit_log set actor_phone = '34600000777' where id = ?`, [kept.id]);
      expect(await h.em((e) => h.services.audit!.verify(e))).toMatchObject({ ok: false, brokenId: kept.id, reason: 'field_mismatch' });
    });

    it('refuses to erase a client under legal hold', async () => {
      const { client } = await seedClient(h);
      expect(await h.say(PHONES.superAdmin, `/cliente retencion +${PHONE} si`)).toContain('Retención legal activada');
      expect((await h.em((e) => e.findOneOrFail(Usuario, { id: client.id }))).legalHold).toBe(true);
      expect(await h.say(PHONES.superAdmin, `/cliente olvidar +${PHONE}`)).toContain('retención legal');
      expect(await h.say(PHONES.superAdmin, `/cliente retencion +${PHONE} quizas`)).toContain('«si»');
      expect(await h.say(PHONES.superAdmin, `/cliente retencion +${PHONE} no`)).toContain('retirada');
      expect(await h.say(PHONES.superAdmin, `/cliente olvidar +${PHONE}`)).toContain('Vas a BORRAR');
    });
  });
}
