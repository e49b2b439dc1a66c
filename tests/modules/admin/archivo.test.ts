import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeAdminHarness, seedTeam, PHONES, type AdminHarness } from './harness.ts';
import { addMessage, makeClient, saveFile } from '../files/fixtures.ts';
import { ConversationLog } from '../../../src/modules/messaging/conversation-log.entity.ts';

const PHONE = '34622000111';

describe('/archivo in the chat', () => {
  let h: AdminHarness;
  let clienteId: number;
  beforeEach(async () => {
    h = await makeAdminHarness();
    await seedTeam(h);
    const u = await h.em((em) => makeClient(em, PHONE, 'Marta Chat'));
    clienteId = u.id;
    for (let i = 0; i < 3; i++) await h.em((em) => addMessage(em, u.id, PHONE, { date: new Date(Date.UTC(2026, 10, 2 + i, 9)), body: `pedido ${i}` }));
  });
  afterEach(async () => {
    await h.close();
  });

  it('lists files with filters, sends one back as an image, and /archivo auditoria shows the read', async () => {
    const img = await saveFile(h.services, clienteId, 'PNGDATA');
    await saveFile(h.services, clienteId, 'PDFDATA', { kind: 'document', mimetype: 'application/pdf', fileName: 'factura.pdf' });
    expect(await h.say(PHONES.agent, `/archivo lista +${PHONE}`)).toContain('(2 en total, página 1)');
    const docs = await h.say(PHONES.agent, `/archivo lista +${PHONE} document`);
    expect(docs).toContain('factura.pdf');
    expect(docs).not.toContain(img.fileId!);
    expect(await h.say(PHONES.agent, `/archivo lista +${PHONE} foto`)).toContain('«foto» no es un tipo de archivo');
    const sent = await h.send(PHONES.agent, `/archivo enviar ${img.fileId}`);
    expect(sent[0]).toMatchObject({ kind: 'image', mimetype: 'image/png' });
    expect((sent[0] as { buffer: Buffer }).buffer.toString()).toBe('PNGDATA');
    expect(await h.say(PHONES.agent, '/archivo enviar ../../etc/passwd')).toContain('no es un identificador válido');
    expect(await h.say(PHONES.agent, `/archivo auditoria +${PHONE}`)).toContain('no tienes permiso');
    const log = await h.say(PHONES.admin, `/archivo auditoria +${PHONE}`);
    expect(log).toContain(`+${PHONES.agent}`);
    expect(log).toContain(`files.download ${img.fileId}`);
    expect(await h.say(PHONES.viewer, `/archivo lista +${PHONE}`)).toContain('no tienes permiso');
  });

  it('archives with mover=si, restores exactly, sends the archive, and backs up in the background', async () => {
    const reply = await h.say(PHONES.manager, `/archivo archivar +${PHONE} 2026-11-01 2026-11-03 html mover=si`);
    expect(reply).toContain('Archivados 2 mensajes en formato html');
    const id = /restaurar ([0-9a-f-]{36})/.exec(reply)![1]!;
    expect(await h.em((em) => em.count(ConversationLog, { cliente: clienteId } as never))).toBe(1);
    const gz = await h.send(PHONES.manager, `/archivo enviar ${id}`);
    expect(gz[0]).toMatchObject({ kind: 'document', mimetype: 'application/gzip' });
    expect(await h.say(PHONES.manager, `/archivo restaurar ${id}`)).toContain('Restaurados 2 mensajes');
    expect(await h.say(PHONES.manager, `/archivo restaurar ${id}`)).toContain('Restaurados 0 mensajes');
    expect(await h.em((em) => em.count(ConversationLog, { cliente: clienteId } as never))).toBe(3);
    // An archive made without moving: nothing to put back, said plainly (not "missing").
    const kept = await h.say(PHONES.manager, `/archivo archivar +${PHONE} 2026-11-01 2026-11-03 txt`);
    const keptId = /\(archivo ([0-9a-f-]{36})\)/.exec(kept)![1]!;
    expect(await h.say(PHONES.manager, `/archivo restaurar ${keptId}`)).toBe(`El archivo ${keptId} se creó sin mover=si: sus mensajes siguen en el registro y no hay nada que restaurar.`);
    expect(await h.say(PHONES.manager, `/archivo archivar +${PHONE} 2025-01-01 2025-01-02`)).toContain('No hay mensajes');
    expect(await h.say(PHONES.manager, `/archivo archivar +${PHONE} 2026-02-30 2026-03-02`)).toContain('no es una fecha válida');
    expect(await h.say(PHONES.manager, `/archivo respaldo +${PHONE}`)).toContain('Procesando');
    await h.router.idle();
    const done = h.delivered.map((d) => (d.reply.kind === 'text' ? d.reply.text : '')).join('\n');
    expect(done).toMatch(/Respaldo creado: backup-\d{8}T\d{6}Z\.zip/);
  });
});

describe('/archivo date ranges in the configured time zone', () => {
  it('a «hasta» day includes all of it, even the 25-hour day when summer time ends', async () => {
    const h = await makeAdminHarness('sqlite', { TZ: 'Europe/Madrid' });
    try {
      await seedTeam(h);
      const u = await h.em((em) => makeClient(em, PHONE, 'Marta Chat'));
      // 2026-10-25 in Madrid runs from 22:00 UTC on the 24th to 23:00 UTC on the 25th.
      await h.em((em) => addMessage(em, u.id, PHONE, { date: new Date('2026-10-24T22:00:00Z'), body: 'a medianoche' }));
      await h.em((em) => addMessage(em, u.id, PHONE, { date: new Date('2026-10-25T22:30:00Z'), body: 'a las 23:30' }));
      await h.em((em) => addMessage(em, u.id, PHONE, { date: new Date('2026-10-25T23:00:00Z'), body: 'ya es el 26' }));
      expect(await h.say(PHONES.manager, `/archivo archivar +${PHONE} 2026-10-25 2026-10-25 txt`)).toContain('Archivados 2 mensajes');
    } finally {
      await h.close();
    }
  });
});
