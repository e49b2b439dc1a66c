import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, upsert, wa, T0, type TestHarness } from '../../helpers/replay.ts';
import { newCustomerGreets, receiptsMoveForwardOnly, sameEventTwiceIsOneRow } from './ingest-scenarios.ts';

describe('ingest pipeline (replay → SQLite)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
  });
  afterEach(async () => h.cleanup());

  it('logs a new customer who greets: usuarios row (client role), inbound and outbound conversations_log rows', () => newCustomerGreets(h));

  it('writes a redelivered event once and does not answer it again', () => sameEventTwiceIsOneRow(h));

  it('moves delivery status forward only: a late "delivered" or "failed" never undoes "read"', () => receiptsMoveForwardOnly(h));

  it('resolves a LID and the phone JID of one person to one usuarios row that keeps the LID', async () => {
    await h.feed(upsert([wa({ jid: '205766311460953@lid', alt: '34600000010@s.whatsapp.net', id: 'LID-1', text: 'hola', name: 'Luis' })]));
    await h.feed(upsert([wa({ phone: '34600000010', id: 'PN-1', text: 'soy yo otra vez', ts: T0 + 10 })]));
    const users = await rows(h, 'select id, "phoneNumber" as phone, lid from usuarios');
    expect(users).toEqual([{ id: expect.any(Number), phone: '34600000010', lid: '205766311460953' }]);
    const log = await rows(h, "select distinct cliente_id, \"from\" from conversations_log where message_direction = 'inbound'");
    expect(log).toEqual([{ cliente_id: users[0]!.id, from: '34600000010' }]);
    // The replies to the LID chat went to the LID JID, not to an invalid "…@lid@s.whatsapp.net".
    expect(h.sent.filter((s) => s.to.includes('@lid')).every((s) => s.to === '205766311460953@lid')).toBe(true);
  });

  it('attaches messages logged while only the LID was known once WhatsApp pairs it with the phone', async () => {
    await h.say('34600000011', 'hola', { name: 'Eva' });
    await h.feed(upsert([wa({ jid: '99887766@lid', id: 'LID-ONLY', text: 'desde el lid', ts: T0 + 5 })]));
    expect(await rows(h, "select cliente_id, \"from\" from conversations_log where message_id = 'LID-ONLY'")).toEqual([{ cliente_id: null, from: '99887766@lid' }]);
    await h.feed({ type: 'contacts.upsert', data: [{ id: '99887766@lid', phoneNumber: '34600000011@s.whatsapp.net', notify: 'Eva' }] });
    const [eva] = await rows(h, "select id, lid from usuarios where \"phoneNumber\" = '34600000011'");
    expect(eva!.lid).toBe('99887766');
    expect(await rows(h, "select cliente_id, \"from\" from conversations_log where message_id = 'LID-ONLY'")).toEqual([{ cliente_id: eva!.id, from: '34600000011' }]);
  });

  it('logs history (append) and messages older than REPLY_MAX_AGE without answering them', async () => {
    const history = await h.feed(upsert([wa({ phone: '34600000012', id: 'HIST-1', text: 'hola', ts: T0 - 7200 })], 'append'));
    await h.say('34600000013', 'hola'); // moves replay time to T0
    const old = await h.feed(upsert([wa({ phone: '34600000014', id: 'OLD-1', text: 'hola', ts: T0 - 601 })]));
    const recent = await h.feed(upsert([wa({ phone: '34600000015', id: 'NEW-1', text: 'hola', ts: T0 - 599 })]));
    expect(history).toEqual([]);
    expect(old).toEqual([]);
    expect(recent.length).toBeGreaterThan(0);
    const logged = await rows(h, "select message_id from conversations_log where message_id in ('HIST-1','OLD-1','NEW-1') order by message_id");
    expect(logged.map((r) => r.message_id)).toEqual(['HIST-1', 'NEW-1', 'OLD-1']);
  });

  it('logs what staff type on the phone (fromMe) as outbound staff_phone, and never answers it', async () => {
    const replies = await h.feed(upsert([wa({ phone: '34600000016', id: 'STAFF-1', fromMe: true, text: 'Hola, soy Laura de la tienda' })]));
    expect(replies).toEqual([]);
    expect(await rows(h, "select message_direction, origin, delivery_status, \"from\" from conversations_log where message_id = 'STAFF-1'")).toEqual([
      { message_direction: 'outbound', origin: 'staff_phone', delivery_status: 'sent', from: '34600000016' },
    ]);
  });

  it('logs each of our sends once with its origin although the socket echoes it back', async () => {
    const replies = await h.say('34600000017', 'hola');
    const out = await rows(h, "select message_id, origin from conversations_log where message_direction = 'outbound'");
    expect(out).toHaveLength(replies.length);
    expect(out.every((r) => r.origin === 'flow')).toBe(true);
  });

  it('keeps the customer name and last_message_at up to date', async () => {
    await h.say('34600000018', 'hola', { name: 'Ana' });
    await h.feed(upsert([wa({ phone: '34600000018', text: 'menú', name: 'Ana María', ts: T0 + 60 })]));
    expect(await rows(h, "select nombre, last_message_at from usuarios where \"phoneNumber\" = '34600000018'")).toEqual([{ nombre: 'Ana María', last_message_at: (T0 + 60) * 1000 }]);
  });

  it('still answers when the log write fails, and writes the row on a later retry', async () => {
    const conn = h.orm.em.fork().getConnection();
    await conn.execute('alter table conversations_log rename to conversations_log_away');
    const feeding = h.feed(upsert([wa({ phone: '34600000019', id: 'RETRY-1', text: 'hola' })]));
    for (let i = 0; i < 200 && h.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(texts(h.sent).join('\n')).toContain('¿En qué te puedo ayudar?');
    await conn.execute('alter table conversations_log_away rename to conversations_log');
    await feeding;
    expect(await rows(h, "select message_direction, origin from conversations_log where message_id = 'RETRY-1'")).toEqual([{ message_direction: 'inbound', origin: 'customer' }]);
    expect(await rows(h, "select count(*) as n from conversations_log where message_direction = 'outbound'")).toEqual([{ n: h.sent.length }]);
  });
});
