import { afterEach, describe, expect, it } from 'vitest';
import type { MessageReceived } from '../../src/transport/events.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { t } from '../../src/shared/i18n/index.ts';
import { menuText } from '../../flows/context.ts';
import { createCloudHarness, sendTexts, type CloudHarness } from '../helpers/cloud.ts';
import { envelope, imageMessage, messagesChange, textMessage, TEST_PHONE_NUMBER_ID, wamid } from '../helpers/meta.ts';

const ANA = '34600000001';
const BEA = '34600000002';
let c: CloudHarness;
afterEach(async () => c?.cleanup());

const sql = <T = Record<string, unknown>>(q: string, p: unknown[] = []) => c.orm.em.fork().getConnection().execute(q, p) as Promise<T[]>;

describe('Cloud API conversations', () => {
  it('answers a message whose reply Meta refused once the sweep runs again, once, under the same derived ids', async () => {
    c = await createCloudHarness();
    await c.say(ANA, 'hola');
    // Every send to Meta fails for a while (5xx): the answer stays pending, logged as failed.
    c.graph.failNext('/', 500, 20);
    expect(await c.say(ANA, 'mis pedidos')).toEqual([]);
    const [row] = await sql<{ message_id: string; reply_state: string }>("select message_id, reply_state from conversations_log where message_direction = 'inbound' order by id desc limit 1");
    expect(row!.reply_state).toBe('pending');
    c.graph.clearFailures();
    const before = c.graph.sent.length;
    await c.services.replies.sweep();
    await c.services.replies.sweep();
    expect(sendTexts(c.graph.sent.slice(before))).toEqual([t('flows.orders_none')]);
    expect((await sql<{ reply_state: string }>('select reply_state from conversations_log where message_id = ?', [row!.message_id]))[0]!.reply_state).toBe('done');
    expect(await sql("select delivery_status from conversations_log where reply_to = ? order by id", [row!.message_id])).toEqual([{ delivery_status: 'sent' }]);
  });

  it('answers two messages of one customer handled at once (a sweep beside the inbox, parallel inbox workers) each once, under its own ids', async () => {
    c = await createCloudHarness();
    await c.say(ANA, 'hola');
    const msg = (id: string): MessageReceived => ({
      type: 'message', platform: 'meta_cloud', messageId: id, chatJid: `${ANA}@s.whatsapp.net`, isGroup: false, senderPhone: ANA, peerPhone: ANA,
      fromMe: false, timestamp: new Date(), messageType: 'text', body: 'mis pedidos', upsertType: 'notify', businessNumberId: TEST_PHONE_NUMBER_ID,
    });
    const events = [msg(wamid()), msg(wamid())];
    const { messages } = await c.services.ingest.write(events);
    const before = c.graph.sent.length;
    await Promise.all(events.map((e, i) => c.channel.answer(e, messages[i])));
    expect(sendTexts(c.graph.sent.slice(before))).toEqual([t('flows.orders_none'), t('flows.orders_none')]);
    for (const e of events) {
      expect(await sql('select reply_state from conversations_log where message_id = ?', [e.messageId])).toEqual([{ reply_state: 'done' }]);
      expect(await sql('select delivery_status from conversations_log where reply_to = ?', [e.messageId])).toEqual([{ delivery_status: 'sent' }]);
    }
  });

  it('sends the menu as real reply buttons, and a tapped button_reply id drives the menu', async () => {
    c = await createCloudHarness();
    const [welcome, menu] = await c.say(ANA, 'hola', { name: 'Ana' });
    expect(welcome!.type).toBe('text');
    expect(menu).toMatchObject({ type: 'interactive', phoneNumberId: TEST_PHONE_NUMBER_ID, to: ANA });
    expect(menu!.payload.interactive).toEqual({
      type: 'button',
      body: { text: t('flows.menu') },
      action: { buttons: [
        { type: 'reply', reply: { id: 'agente', title: t('flows.menu_agent') } },
        { type: 'reply', reply: { id: 'pedidos', title: t('flows.menu_orders') } },
        { type: 'reply', reply: { id: 'baja', title: t('flows.menu_opt_out') } },
      ] },
    });
    expect(sendTexts(await c.tap(ANA, 'pedidos', t('flows.menu_orders')))).toEqual([t('flows.orders_none')]);
    expect(sendTexts(await c.tap(ANA, 'baja', t('flows.menu_opt_out')))).toEqual([t('flows.opt_out_done')]);
    expect((await sql('select marketing_opt_in from usuarios where "phoneNumber" = ?', [ANA]))[0]).toMatchObject({ marketing_opt_in: 0 });
    // The tap is logged as the interactive reply it was.
    expect(await sql("select message_type, body from conversations_log where message_direction = 'inbound' order by id")).toEqual([
      { message_type: 'text', body: 'hola' },
      { message_type: 'interactive', body: t('flows.menu_orders') },
      { message_type: 'interactive', body: t('flows.menu_opt_out') },
    ]);
  });

  it('acknowledges a photo (downloaded through the Graph API into the client folder) and sends lists as real list messages', async () => {
    c = await createCloudHarness();
    await c.say(ANA, 'hola');
    const sha = c.graph.addMedia('MEDIA1', Buffer.from('fake-png-bytes'), 'image/png');
    const ts = String(Math.floor(Date.now() / 1000));
    const sends = await c.say(ANA, '', { message: imageMessage({ from: ANA, mediaId: 'MEDIA1', mime: 'image/png', sha256: sha, timestamp: ts }) });
    expect(sendTexts(sends)).toEqual([t('flows.media_received')]);
    expect(await sql('select file_type, checksum_sha256, download_status from client_file_storage')).toEqual([{ file_type: 'image', checksum_sha256: sha, download_status: 'ok' }]);

    const list = { kind: 'list' as const, text: 'Elige una tienda', button: 'Ver tiendas', sections: [{ title: 'Madrid', rows: [{ id: 'mad-1', title: 'Sol', description: 'Puerta del Sol 1' }] }, { title: 'Sevilla', rows: [{ id: 'sev-1', title: 'Triana' }] }] };
    await c.services.outbound.send(ANA, list, { origin: 'api' });
    expect(c.graph.sent.at(-1)!.payload.interactive).toEqual({
      type: 'list',
      body: { text: 'Elige una tienda' },
      action: { button: 'Ver tiendas', sections: [{ title: 'Madrid', rows: [{ id: 'mad-1', title: 'Sol', description: 'Puerta del Sol 1' }] }, { title: 'Sevilla', rows: [{ id: 'sev-1', title: 'Triana' }] }] },
    });
  });

  it('marks each new inbound message as read through the Graph API (META_MARK_READ, on by default)', async () => {
    c = await createCloudHarness();
    const id = wamid();
    await c.post(envelope([messagesChange({ contacts: [{ wa_id: ANA }], messages: [textMessage({ from: ANA, id, timestamp: String(Math.floor(Date.now() / 1000)) })] })]));
    expect(c.graph.reads).toEqual([{ phoneNumberId: TEST_PHONE_NUMBER_ID, messageId: id }]);
    await c.cleanup();

    c = await createCloudHarness('sqlite', { env: { META_MARK_READ: 'false' } });
    await c.say(ANA, 'hola');
    expect(c.graph.reads).toEqual([]);
  });

  it('stores but does not ingest a delivery for a phone_number_id that is not ours, saying why', async () => {
    c = await createCloudHarness();
    const sends = await c.say(ANA, 'hola', { to: '999999999999' });
    expect(sends).toEqual([]);
    expect(await sql('select count(*) as n from conversations_log')).toEqual([{ n: 0 }]);
    const [row] = await sql<{ status: string; last_error: string }>('select status, last_error from webhook_inbox');
    expect(row!.status).toBe('done');
    expect(row!.last_error).toContain('phone_number_id 999999999999 is not one of ours');
  });

  it('answers from the number each customer wrote to when several Cloud API numbers share the app', async () => {
    const [one, two] = ['106540352242922', '106540352242923'];
    c = await createCloudHarness('sqlite', { numbers: [one, two] });
    const a = await c.say(ANA, 'hola', { to: one });
    const b = await c.say(BEA, 'hola', { to: two });
    expect(a.map((s) => [s.phoneNumberId, s.to])).toEqual([[one, ANA], [one, ANA]]);
    expect(b.map((s) => [s.phoneNumberId, s.to])).toEqual([[two, BEA], [two, BEA]]);
    expect(sendTexts(await c.say(BEA, 'menú', { to: two }))).toEqual([menuText()]);
    expect(c.graph.sent.at(-1)!.phoneNumberId).toBe(two);
    expect(await sql('select "from", message_direction, business_number_id from conversations_log order by id')).toEqual([
      { from: ANA, message_direction: 'inbound', business_number_id: one },
      { from: ANA, message_direction: 'outbound', business_number_id: one },
      { from: ANA, message_direction: 'outbound', business_number_id: one },
      { from: BEA, message_direction: 'inbound', business_number_id: two },
      { from: BEA, message_direction: 'outbound', business_number_id: two },
      { from: BEA, message_direction: 'outbound', business_number_id: two },
      { from: BEA, message_direction: 'inbound', business_number_id: two },
      { from: BEA, message_direction: 'outbound', business_number_id: two },
    ]);
  });
});

describe("Meta's 24-hour customer-service window", () => {
  it('refuses a free-form message outside it before it reaches Meta (logged failed), allows a template, and opens again when the customer writes', async () => {
    const clock = new ManualClock(new Date());
    c = await createCloudHarness('sqlite', { clock });
    await c.say(ANA, 'hola');
    // Inside the window: a free-form message goes out.
    clock.advance(23 * 3600_000);
    await c.services.outbound.send(ANA, { kind: 'text', text: '¿Algo más?' }, { origin: 'api' });
    const before = c.graph.sent.length;

    clock.advance(2 * 3600_000);
    await expect(c.services.outbound.send(ANA, { kind: 'text', text: 'Oferta' }, { origin: 'api' })).rejects.toMatchObject({ code: 'OUTSIDE_SERVICE_WINDOW', message: t('channels.window_closed') });
    await expect(c.services.outbound.send(ANA, { kind: 'buttons', text: 'Oferta', buttons: [{ id: 'si', title: 'Sí' }] }, { origin: 'api' })).rejects.toMatchObject({ code: 'OUTSIDE_SERVICE_WINDOW' });
    expect(c.graph.sent.length).toBe(before);
    await c.services.ingest.drain();
    expect(await sql("select delivery_status, failure_reason, body from conversations_log where body like 'Oferta%' order by id")).toEqual([
      { delivery_status: 'failed', failure_reason: t('channels.window_closed'), body: 'Oferta' },
      { delivery_status: 'failed', failure_reason: t('channels.window_closed'), body: 'Oferta\n1️⃣ Sí' },
    ]);

    const tpl = await c.services.outbound.send(ANA, { kind: 'template', name: 'promo_verano', language: 'es_ES', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }], text: 'Hola Ana, ¡ofertas!' }, { origin: 'campaign' });
    expect(c.graph.sent.at(-1)).toMatchObject({ id: tpl.messageId, type: 'template', payload: { template: { name: 'promo_verano', language: { code: 'es_ES' } } } });

    // The customer writes again: the reply (and anything else within 24 h) is free-form again.
    expect(sendTexts(await c.say(ANA, 'menú'))).toEqual([menuText()]);
    await c.services.outbound.send(ANA, { kind: 'text', text: 'Gracias' }, { origin: 'api' });
    expect(c.graph.sent.at(-1)!.payload.text).toEqual({ body: 'Gracias', preview_url: false });
  });

  it('answers a customer without asking the log about the window (the message just logged opens it), and still asks for any other send', async () => {
    c = await createCloudHarness();
    await c.say(ANA, 'hola');
    const conn = c.orm.em.getConnection() as unknown as { execute: (q: unknown, ...rest: unknown[]) => Promise<unknown> };
    const execute = conn.execute;
    const statements: string[] = [];
    conn.execute = (q, ...rest) => (statements.push(String((q as { sql?: string })?.sql ?? q)), execute.call(conn, q, ...rest));
    const windowLookups = () => statements.filter((q) => /message_direction[`"]? = \?.*order by [`"]c0[`"]\.[`"]date[`"] desc/is.test(q)).length;
    try {
      expect(sendTexts(await c.say(ANA, 'mis pedidos'))).toEqual([t('flows.orders_none')]);
      expect(windowLookups()).toBe(0);
      await c.services.outbound.send(ANA, { kind: 'text', text: 'Gracias' }, { origin: 'api' });
      expect(windowLookups()).toBe(1);
    } finally {
      conn.execute = execute;
    }
  });
});
