import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { texts, type TestHarness } from '../../helpers/replay.ts';
import { withEm } from '../../../src/db/orm.ts';
import { pgAvailable } from '../../helpers/db.ts';
import type { DbKind } from '../../../src/config.ts';
import { offsetSegments } from '../../../src/modules/groups/participation.ts';
import { CLIENTS, G1, STAFF, command, feedMessages, groupsHarness, jid } from './fixture.ts';

/**
 * A hand-computed fixture (TZ Europe/Madrid, UTC+1 in November). Period 2024-11-25 … 2024-11-27
 * (local) = [2024-11-24T23:00Z, 2024-11-27T23:00Z).
 *   members synced at T0 (24 Nov): Ana (creator), Beto (admin), Carla, Dani, Eva
 *   Gabi joins and leaves on the 24th (before the period) · Fede added by Ana on the 26th ·
 *   Eva leaves on the 26th · Dani removed by Ana on the 27th · Beto removed on the 28th (after)
 *   messages in the period: Ana 3 (text 09:15, image 09:40, text 18:05 local), Beto 2 (text
 *   09:30, sticker 18:10), Carla 1 (audio 18:20), Fede 1 (text 11:05), Dani 1 (reaction 09:00);
 *   outside it: Ana at 23:59 on the 24th, Carla at 00:00 on the 28th; one bot message at 10:00.
 * Expected: 8 messages, 6 members (Gabi was never in the period), 5 active, 1 silent (Eva),
 * 1 join, 1 leave, 1 removal; types text 4, audio/image/reaction/sticker 1; hours 09 → 4,
 * 18 → 3, 11 → 1.
 */
const DANI = '34600000004';
const EVA = '34600000005';
const FEDE = '34600000006';
const GABI = '34600000007';
const ts = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const msg = (id: string, phone: string | null, iso: string, message: Record<string, unknown>) => ({
  key: phone ? { remoteJid: G1, fromMe: false, id, participant: jid(phone) } : { remoteJid: G1, fromMe: true, id },
  messageTimestamp: ts(iso),
  message,
});
const text = { conversation: 'hola' };

/** A minimal RFC 4180 reader (quoted fields, doubled quotes), enough to read our CSV back. */
function parseCsv(src: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = src.replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && s[i + 1] === '\n') (row.push(field), out.push(row), (row = []), (field = ''), i++);
    else field += c;
  }
  return out;
}

const kinds: DbKind[] = (await pgAvailable()) ? ['sqlite', 'postgresql'] : ['sqlite'];

describe.each(kinds)('participation report (hand-computed fixture, replay → %s)', (kind) => {
  let h: TestHarness;
  const participants = async (iso: string, action: string, who: string, author: string) => {
    h.clock.observe(new Date(iso));
    await h.feed({ type: 'group-participants.update', data: { id: G1, author: jid(author), participants: [jid(who)], action } });
  };
  beforeAll(async () => {
    h = await groupsHarness(kind);
    h.socket.setGroups([
      { id: G1, subject: 'Club de Lectura', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto), admin: 'admin' }, { id: jid(CLIENTS.carla) }, { id: jid(DANI) }, { id: jid(EVA) }] },
    ] as never);
    await h.services.groups.syncWhatsAppGroups();
    await participants('2024-11-24T12:00:00Z', 'add', GABI, CLIENTS.ana);
    await participants('2024-11-24T13:00:00Z', 'remove', GABI, GABI);
    await feedMessages(h, [msg('P-0', CLIENTS.ana, '2024-11-24T22:59:00Z', text)]);
    await feedMessages(h, [
      msg('P-1', CLIENTS.ana, '2024-11-25T08:15:00Z', text),
      msg('P-2', CLIENTS.beto, '2024-11-25T08:30:00Z', text),
      msg('P-3', CLIENTS.ana, '2024-11-25T08:40:00Z', { imageMessage: { mimetype: 'image/jpeg', caption: 'portada' } }),
      msg('P-4', null, '2024-11-25T09:00:00Z', { conversation: 'Recordatorio: reunión el jueves' }),
    ]);
    await participants('2024-11-26T10:00:00Z', 'add', FEDE, CLIENTS.ana);
    await feedMessages(h, [msg('P-5', FEDE, '2024-11-26T10:05:00Z', text)]);
    await participants('2024-11-26T12:00:00Z', 'remove', EVA, EVA);
    await feedMessages(h, [
      msg('P-6', CLIENTS.ana, '2024-11-26T17:05:00Z', text),
      msg('P-7', CLIENTS.beto, '2024-11-26T17:10:00Z', { stickerMessage: { mimetype: 'image/webp' } }),
      msg('P-8', CLIENTS.carla, '2024-11-26T17:20:00Z', { audioMessage: { mimetype: 'audio/ogg', ptt: true } }),
      msg('P-9', DANI, '2024-11-27T08:00:00Z', { reactionMessage: { key: { remoteJid: G1, id: 'P-6' }, text: '👍' } }),
    ]);
    await participants('2024-11-27T09:00:00Z', 'remove', DANI, CLIENTS.ana);
    await feedMessages(h, [msg('P-10', CLIENTS.carla, '2024-11-27T23:00:00Z', text)]);
    await participants('2024-11-28T10:00:00Z', 'remove', CLIENTS.beto, CLIENTS.ana);
  });
  afterAll(async () => h?.cleanup());

  const period = async () =>
    withEm(h.orm, async (em) => {
      const g = await h.services.groups.findGroup(em, 'club');
      return h.services.groups.participation(em, g, new Date('2024-11-24T23:00:00Z'), new Date('2024-11-27T23:00:00Z'));
    });

  it('computes every figure of the fixture', async () => {
    const r = await period();
    expect(r.totals).toEqual({ messages: 8, botMessages: 1, members: 6, active: 5, silent: 1, joins: 1, leaves: 1, removals: 1 });
    expect(r.members.map((m) => [m.phone, m.name, m.role, m.status, m.messages])).toEqual([
      [CLIENTS.ana, 'Ana', 'superadmin', 'active', 3],
      [CLIENTS.beto, 'Beto', 'member', 'removed', 2],
      [CLIENTS.carla, 'Carla', 'member', 'active', 1],
      [DANI, null, 'member', 'removed', 1],
      [FEDE, null, 'member', 'active', 1],
      [EVA, null, 'member', 'left', 0],
    ]);
    expect(r.members[0]!.byType).toEqual({ text: 2, image: 1, video: 0, audio: 0, document: 0, sticker: 0, reaction: 0 });
    expect(r.members[0]!.firstAt?.toISOString()).toBe('2024-11-25T08:15:00.000Z');
    expect(r.members[0]!.lastAt?.toISOString()).toBe('2024-11-26T17:05:00.000Z');
    expect(r.byType).toEqual([
      { type: 'text', messages: 4 }, { type: 'audio', messages: 1 }, { type: 'image', messages: 1 }, { type: 'reaction', messages: 1 }, { type: 'sticker', messages: 1 },
    ]);
    const hours = Array.from({ length: 24 }, () => 0);
    hours[9] = 4;
    hours[11] = 1;
    hours[18] = 3;
    expect(r.hours).toEqual(hours);
    expect(r.movements.map((m) => [m.at.toISOString(), m.action, m.phone, m.actor])).toEqual([
      ['2024-11-26T10:00:00.000Z', 'join', FEDE, CLIENTS.ana],
      ['2024-11-26T12:00:00.000Z', 'leave', EVA, EVA],
      ['2024-11-27T09:00:00.000Z', 'remove', DANI, CLIENTS.ana],
    ]);
  });

  it('/reporte grupo answers with the chart and summary, a PDF, and a CSV that reads back to the same numbers', async () => {
    const before = h.sent.length;
    await h.say(STAFF.analyst, '/reporte grupo club de lectura 2024-11-25 2024-11-27');
    await h.services.commands!.idle();
    await h.idle();
    const sent = h.sent.slice(before);
    expect(texts(sent)[0]).toBe('Procesando /reporte grupo… te aviso en cuanto termine. ⏳');
    expect(texts(sent)[1]!.split('\n')).toEqual([
      '📊 *Participación en «Club de Lectura»*',
      'Del 25/11/2024 al 27/11/2024',
      '',
      '8 mensajes de miembros · 6 miembros en el periodo: 5 activos, 1 en silencio',
      'Mensajes enviados por nosotros: 1',
      'Entradas: 1 · salidas: 1 · expulsiones: 1',
      '',
      '*Quién más escribe*:',
      '1. Ana (+34600000001): 3',
      '2. Beto (+34600000002): 2',
      '3. Carla (+34600000003): 1',
      '4. +34600000004: 1',
      '5. +34600000006: 1',
      '',
      'Por tipo: texto 4 · audio 1 · imagen 1 · reacción 1 · sticker 1',
      'Horas punta: 09:00 (4), 18:00 (3), 11:00 (1)',
      'En silencio: +34600000005',
    ]);
    // The main chart (messages by hour) as a PNG the reports module drew, the summary as its caption.
    const image = sent[1]!.content as { image: { url: string }; mimetype: string };
    const png = readFileSync(image.image.url);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1000, 560]);
    const pdf = sent[2]!.content as { document: { url: string }; fileName: string; mimetype: string };
    expect([pdf.fileName, pdf.mimetype]).toEqual(['participacion-Club-de-Lectura-2024-11-25.pdf', 'application/pdf']);
    expect(readFileSync(pdf.document.url).subarray(0, 5).toString()).toBe('%PDF-');
    const doc = sent[3]!.content as { document: { url: string }; fileName: string; mimetype: string; caption: string };
    expect([doc.fileName, doc.mimetype, doc.caption]).toEqual(['participacion-Club-de-Lectura-2024-11-25.csv', 'text/csv', 'Participación en «Club de Lectura» (CSV: resumen, miembros, tipos, horas y movimientos)']);
    const csv = parseCsv(readFileSync(doc.document.url, 'utf8'));
    const header = csv[0]!;
    const col = (name: string) => header.indexOf(name);
    const section = (s: string) => csv.filter((r) => r[0] === s);
    const summary = Object.fromEntries(section('resumen').map((r) => [r[1], r[3]]));
    expect(summary).toMatchObject({ grupo: 'Club de Lectura', desde: '2024-11-25 00:00', hasta: '2024-11-28 00:00', zona_horaria: 'Europe/Madrid', mensajes: '8', mensajes_bot: '1', miembros: '6', activos: '5', silenciosos: '1', entradas: '1', salidas: '1', expulsiones: '1' });
    const members = section('miembro');
    expect(members.map((r) => [r[1], r[3], r[col('rol')], r[col('estado')], r[col('text')], r[col('image')], r[col('primer_mensaje')]])).toEqual([
      [CLIENTS.ana, '3', 'superadmin', 'active', '2', '1', '2024-11-25 09:15'],
      [CLIENTS.beto, '2', 'member', 'removed', '1', '0', '2024-11-25 09:30'],
      [CLIENTS.carla, '1', 'member', 'active', '0', '0', '2024-11-26 18:20'],
      [DANI, '1', 'member', 'removed', '0', '0', '2024-11-27 09:00'],
      [FEDE, '1', 'member', 'active', '1', '0', '2024-11-26 11:05'],
      [EVA, '0', 'member', 'left', '0', '0', ''],
    ]);
    expect(members.reduce((s, r) => s + Number(r[3]), 0)).toBe(8);
    expect(section('hora').map((r) => Number(r[3]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0]);
    expect(section('tipo').map((r) => [r[1], r[3]])).toEqual([['text', '4'], ['audio', '1'], ['image', '1'], ['reaction', '1'], ['sticker', '1']]);
    expect(section('movimiento').map((r) => [r[1], r[3], r[col('estado')], r[col('autor')], r[col('origen')]])).toEqual([
      [FEDE, '2024-11-26 11:00', 'join', CLIENTS.ana, 'event'],
      [EVA, '2024-11-26 13:00', 'leave', EVA, 'event'],
      [DANI, '2024-11-27 10:00', 'remove', CLIENTS.ana, 'event'],
    ]);
  });

  it('finds the hour of day across a daylight-saving change', () => {
    // Europe/Madrid moves from UTC+1 to UTC+2 at 2026-03-29T01:00Z.
    const segments = offsetSegments(new Date('2026-03-27T23:00:00Z'), new Date('2026-03-31T22:00:00Z'), 'Europe/Madrid');
    expect(segments).toEqual([
      { until: Date.parse('2026-03-29T01:00:00Z'), offset: 3_600_000 },
      { until: Number.MAX_SAFE_INTEGER, offset: 7_200_000 },
    ]);
    expect(offsetSegments(new Date('2026-11-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z'), 'UTC')).toEqual([{ until: Number.MAX_SAFE_INTEGER, offset: 0 }]);
  });
});
