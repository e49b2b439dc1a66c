import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withEm } from '../../../src/db/orm.ts';
import { Campaign } from '../../../src/modules/campaigns/campaign.entity.ts';
import { createTestHarness, rows, T0, type TestHarness } from '../../helpers/replay.ts';

describe('services.outbound (send + log)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
  });
  afterEach(async () => h.cleanup());

  it('sends through the active transport and logs one outbound row with origin and campaign', async () => {
    await h.say('34600000001', 'hola');
    const campaignId = await withEm(h.orm, async (em) => {
      const [u] = await rows<{ id: number }>(h, 'select id from usuarios');
      const c = em.create(Campaign, { campaignName: 'Black Friday', campaignType: 'broadcast', createdByUser: u!.id, channel: 1 } as never);
      await em.flush();
      return (c as { campaignId: string }).campaignId;
    });
    const sent = await h.services.outbound.send('+34 600 000 001', { kind: 'text', text: '¡Ofertas!' }, { origin: 'campaign', campaignId });
    expect(sent.jid).toBe('34600000001@s.whatsapp.net');
    expect(h.sent.at(-1)).toMatchObject({ to: '34600000001@s.whatsapp.net', content: { text: '¡Ofertas!' }, messageId: sent.messageId });
    await h.idle(); // the socket's echo of our send arrives and must not add a row
    expect(await rows(h, 'select message_direction, origin, campaign_id, body, delivery_status, platform_origin, "from" from conversations_log where message_id = ?', [sent.messageId])).toEqual([
      { message_direction: 'outbound', origin: 'campaign', campaign_id: campaignId, body: '¡Ofertas!', delivery_status: 'sent', platform_origin: 'baileys', from: '34600000001' },
    ]);
  });

  it('looks the client up, inserts the row and checks early receipts once per send: the final status and the echo find the pending row', async () => {
    await h.say('34600000001', 'hola');
    const conn = h.orm.em.getConnection() as unknown as { execute: (q: unknown, ...rest: unknown[]) => Promise<unknown> };
    const execute = conn.execute;
    const statements: string[] = [];
    conn.execute = (q, ...rest) => (statements.push(String((q as { sql?: string })?.sql ?? q)), execute.call(conn, q, ...rest));
    const count = (re: RegExp) => statements.filter((q) => re.test(q)).length;
    try {
      const sent = await h.services.outbound.send('34600000001', { kind: 'text', text: 'Hola' }, { origin: 'api' });
      expect(count(/^select .* from [`"]usuarios[`"]/i)).toBe(1);
      expect(count(/^insert into [`"]conversations_log[`"]/i)).toBe(1);
      await h.idle(); // the socket's echo of the send: already logged, nothing to apply
      expect(count(/from [`"]meta_pending_status[`"]/i)).toBe(1);
      expect(await rows(h, 'select origin, delivery_status, cliente_id is not null as linked from conversations_log where message_id = ?', [sent.messageId])).toEqual([
        { origin: 'api', delivery_status: 'sent', linked: 1 },
      ]);
    } finally {
      conn.execute = execute;
    }
  });

  it('sends documents and images from a path and logs their type and caption', async () => {
    const doc = await h.services.outbound.send('34600000002', { kind: 'document', path: '/tmp/informe.pdf', fileName: 'informe.pdf', mimetype: 'application/pdf', caption: 'Tu informe' }, { origin: 'command' });
    expect(h.sent.at(-1)!.content).toMatchObject({ document: { url: '/tmp/informe.pdf' }, fileName: 'informe.pdf', mimetype: 'application/pdf', caption: 'Tu informe' });
    const img = await h.services.outbound.send('34600000002', { kind: 'image', buffer: Buffer.from('png'), mimetype: 'image/png' }, { origin: 'api' });
    expect((h.sent.at(-1)!.content.image as { url: string }).url).toMatch(/replay-outbox\/.+\.png$/);
    const logged = await rows(h, 'select message_id, message_type, body, origin from conversations_log order by id');
    expect(logged).toEqual([
      { message_id: doc.messageId, message_type: 'document', body: 'Tu informe', origin: 'command' },
      { message_id: img.messageId, message_type: 'image', body: null, origin: 'api' },
    ]);
  });

  it('degrades buttons, lists and templates to numbered text on Baileys, logged with their kind', async () => {
    await h.services.outbound.send('34600000004', { kind: 'buttons', text: '¿Confirmas?', buttons: [{ id: 'si', title: 'Sí' }, { id: 'no', title: 'No' }], footer: 'Responde con el número' }, { origin: 'api' });
    expect(h.sent.at(-1)!.content).toEqual({ text: '¿Confirmas?\n1️⃣ Sí\n2️⃣ No\n\nResponde con el número' });
    await h.services.outbound.send('34600000004', { kind: 'list', text: 'Tiendas', button: 'Ver', sections: [{ title: 'Madrid', rows: [{ id: 'm', title: 'Sol', description: 'centro' }] }] }, { origin: 'api' });
    expect(h.sent.at(-1)!.content).toEqual({ text: 'Tiendas\n1️⃣ Sol — centro' });
    await h.services.outbound.send('34600000004', { kind: 'template', name: 'promo', language: 'es', components: [], text: 'Hola, ¡ofertas! https://tienda.example' }, { origin: 'campaign' });
    expect(h.sent.at(-1)!.content).toEqual({ text: 'Hola, ¡ofertas! https://tienda.example' });
    expect(await rows(h, "select message_type, platform_origin from conversations_log where \"from\" = '34600000004' order by id")).toEqual([
      { message_type: 'interactive', platform_origin: 'baileys' },
      { message_type: 'interactive', platform_origin: 'baileys' },
      { message_type: 'template', platform_origin: 'baileys' },
    ]);
  });

  it('logs a failed send as failed with the reason, and rethrows', async () => {
    h.socket.sendMessage = async () => {
      throw new Error('socket closed');
    };
    await expect(h.services.outbound.send('34600000003', { kind: 'text', text: 'hola' }, { origin: 'api' })).rejects.toThrow('socket closed');
    expect(await rows(h, 'select delivery_status, failure_reason, origin from conversations_log')).toEqual([{ delivery_status: 'failed', failure_reason: 'socket closed', origin: 'api' }]);
  });

  it('refuses an invalid recipient with a Spanish message, and says when WhatsApp is not connected', async () => {
    await expect(h.services.outbound.send('hola', { kind: 'text', text: 'x' }, { origin: 'api' })).rejects.toThrow(/no es un número de WhatsApp válido/);
    for (const t of h.services.transports.all()) h.services.transports.remove(t);
    await expect(h.services.outbound.send('34600000003', { kind: 'text', text: 'x' }, { origin: 'api' })).rejects.toMatchObject({ code: 'TRANSPORT_UNAVAILABLE', status: 503 });
  });
});
