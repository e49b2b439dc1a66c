import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHarness, rows, texts, upsert, wa, T0, type TestHarness } from '../helpers/replay.ts';
import { withEm } from '../../src/db/orm.ts';
import { Pedido } from '../../src/modules/orders/pedido.entity.ts';
import { t } from '../../src/shared/i18n/index.ts';
import { menuText } from '../../flows/context.ts';
import type { CommandInput } from '../../src/services.ts';

const ANA = '34600000001';

async function addOrder(h: TestHarness, phone: string, o: { total: string; estado: string; at: string }): Promise<number> {
  return withEm(h.orm, async (em) => {
    const [u] = await rows<{ id: number }>(h, 'select id from usuarios where "phoneNumber" = ?', [phone]);
    const p = em.create(Pedido, { cliente: u!.id, total: o.total, estado: o.estado, currency: 'EUR', createdAt: new Date(o.at), updatedAt: new Date(o.at) } as never);
    await em.flush();
    return (p as { id: number }).id;
  });
}

const consent = async (h: TestHarness, phone = ANA) =>
  (await rows(h, 'select marketing_opt_in, marketing_consent, consent_source, opt_out_at, consent_at from usuarios where "phoneNumber" = ?', [phone]))[0];

const consentEvents = async (h: TestHarness, phone = ANA) =>
  rows(h, 'select e.action, e.source from consent_events e join usuarios u on u.id = e.cliente_id where u."phoneNumber" = ? order by e.id', [phone]);

describe('customer flows (BuilderBot through the replay seam)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000), env: { TZ: 'Europe/Madrid' } });
  });
  afterEach(async () => h.cleanup());

  it('welcomes a first-time customer by name with the menu, whatever they wrote', async () => {
    expect(texts(await h.say(ANA, 'Quiero información', { name: 'Ana' }))).toEqual([t('flows.welcome_named', { name: 'Ana' }), menuText()]);
    expect(texts(await h.say('34600000002', '1'))).toEqual([t('flows.welcome'), t('flows.agent')]);
  });

  it('gives returning customers the menu on a greeting and a helpful fallback otherwise', async () => {
    await h.say(ANA, 'hola');
    expect(texts(await h.say(ANA, 'Menú'))).toEqual([menuText()]);
    expect(texts(await h.say(ANA, '¡Buenas tardes!'))).toEqual([menuText()]);
    expect(texts(await h.say(ANA, '¿cuánto cuesta el envío?'))).toEqual([t('flows.fallback')]);
    // Keywords are whole messages: a "2" inside a sentence is not menu option 2.
    expect(texts(await h.say(ANA, 'tengo 2 preguntas'))).toEqual([t('flows.fallback')]);
  });

  it('option 1 hands the conversation to an agent', async () => {
    await h.say(ANA, 'hola');
    expect(texts(await h.say(ANA, '1'))).toEqual([t('flows.agent')]);
    expect(texts(await h.say(ANA, 'hablar con un agente'))).toEqual([t('flows.agent')]);
  });

  it('"mis pedidos" lists the latest orders, newest first, only the customer’s own', async () => {
    await h.say(ANA, 'hola');
    await h.say('34600000002', 'hola');
    expect(texts(await h.say(ANA, 'mis pedidos'))).toEqual([t('flows.orders_none')]);
    const older = await addOrder(h, ANA, { total: '19.90', estado: 'entregado', at: '2024-11-01T10:00:00Z' });
    const newer = await addOrder(h, ANA, { total: '1250.5', estado: 'enviado', at: '2024-11-20T10:00:00Z' });
    await addOrder(h, '34600000002', { total: '5.00', estado: 'pendiente', at: '2024-11-21T10:00:00Z' });
    const [list] = texts(await h.say(ANA, '2'));
    expect(list!.split('\n')).toEqual([
      t('flows.orders_header'),
      `• Pedido #${newer} · 20/11/2024 · 1250,50 EUR · enviado`,
      `• Pedido #${older} · 01/11/2024 · 19,90 EUR · entregado`,
      '',
      t('flows.orders_footer'),
    ]);
  });

  it('BAJA / STOP / CANCELAR opt the customer out of marketing with a timestamp; ALTA opts back in', async () => {
    await h.say(ANA, 'hola');
    // Writing to the business is not marketing consent: unknown until the customer says so.
    expect(await consent(h)).toMatchObject({ marketing_opt_in: 0, marketing_consent: null, consent_at: null, opt_out_at: null });
    expect(texts(await h.feed(upsert([wa({ phone: ANA, text: 'BAJA', ts: T0 + 30 })])))).toEqual([t('flows.opt_out_done')]);
    expect(await consent(h)).toMatchObject({ marketing_opt_in: 0, marketing_consent: 'revoked', consent_source: 'chat:baja', opt_out_at: (T0 + 30) * 1000 });
    expect(texts(await h.say(ANA, 'stop'))).toEqual([t('flows.opt_out_already')]);
    expect(texts(await h.say(ANA, 'Cancelar.'))).toEqual([t('flows.opt_out_already')]);
    expect(texts(await h.feed(upsert([wa({ phone: ANA, text: 'ALTA', ts: T0 + 60 })])))).toEqual([t('flows.opt_in_done')]);
    expect(await consent(h)).toMatchObject({ marketing_opt_in: 1, marketing_consent: 'granted', consent_source: 'chat:alta', consent_at: (T0 + 60) * 1000 });
    expect(texts(await h.say(ANA, 'alta'))).toEqual([t('flows.opt_in_already')]);
    expect(texts(await h.say(ANA, '3'))).toEqual([t('flows.opt_out_done')]);
    expect(await consent(h)).toMatchObject({ marketing_opt_in: 0 });
    expect(await consentEvents(h)).toEqual([
      { action: 'revoked', source: 'chat:baja' },
      { action: 'granted', source: 'chat:alta' },
      { action: 'revoked', source: 'chat:baja' },
    ]);
  });

  it('treats the first message as consent only when CONSENT_ON_FIRST_MESSAGE says the law allows it', async () => {
    const g = await createTestHarness('sqlite', { start: new Date(T0 * 1000), env: { CONSENT_ON_FIRST_MESSAGE: 'true' } });
    try {
      await g.say(ANA, 'hola');
      expect(await consent(g)).toMatchObject({ marketing_opt_in: 1, marketing_consent: 'granted', consent_source: 'first_message', consent_at: T0 * 1000 });
      expect(await consentEvents(g)).toEqual([{ action: 'granted', source: 'first_message' }]);
      await g.say(ANA, 'hola otra vez');
      expect(await consentEvents(g)).toHaveLength(1);
    } finally {
      await g.cleanup();
    }
  });

  it('apologises politely when a service fails instead of leaving the customer waiting', async () => {
    await h.say(ANA, 'hola');
    h.services.customers.latestOrders = async () => {
      throw new Error('database unavailable');
    };
    expect(texts(await h.say(ANA, 'mis pedidos'))).toEqual([t('common.internal_error')]);
  });
});

describe('slash commands never reach the customer flows', () => {
  let h: TestHarness;
  afterEach(async () => h.cleanup());

  it('routes /… to the admin router and sends its replies (origin command)', async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
    const calls: CommandInput[] = [];
    h.services.commands = { handle: async (input: CommandInput) => (calls.push(input), [{ kind: 'text', text: `ok ${input.text}` }]) } as never;
    const replies = await h.say(ANA, '  /ayuda campañas', { name: 'Ana' });
    expect(texts(replies)).toEqual(['ok /ayuda campañas']);
    expect(calls).toMatchObject([{ phone: ANA, jid: `${ANA}@s.whatsapp.net`, text: '/ayuda campañas', isGroup: false, name: 'Ana', now: new Date(T0 * 1000) }]);
    expect(await rows(h, "select origin, body from conversations_log where message_direction = 'outbound'")).toEqual([{ origin: 'command', body: 'ok /ayuda campañas' }]);
  });

  it('answers "no permission" when no command router is installed', async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
    h.services.commands = undefined as never;
    expect(texts(await h.say(ANA, '/ayuda'))).toEqual([t('common.forbidden')]);
  });

  it('ignores slash commands in groups unless ALLOW_GROUP_COMMANDS is on', async () => {
    const group = '1203630@g.us';
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
    h.services.commands = { handle: async () => [{ kind: 'text', text: 'ok' }] } as never;
    expect(await h.say(ANA, '/ayuda', { group })).toEqual([]);
    await h.cleanup();

    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000), env: { ALLOW_GROUP_COMMANDS: 'true' } });
    const calls: CommandInput[] = [];
    h.services.commands = { handle: async (input: CommandInput) => (calls.push(input), [{ kind: 'text', text: 'ok' }]) } as never;
    const replies = await h.say(ANA, '/ayuda', { group });
    expect(replies.map((r) => r.to)).toEqual([group]);
    expect(calls[0]).toMatchObject({ phone: ANA, jid: group, isGroup: true });
    expect(await rows(h, 'select is_bot_message, message_body from whatsapp_group_messages_log order by message_timestamp, is_bot_message')).toEqual([
      { is_bot_message: 0, message_body: '/ayuda' },
      { is_bot_message: 1, message_body: 'ok' },
    ]);
  });
});

describe('customers WhatsApp only knows by LID', () => {
  let h: TestHarness;
  afterEach(async () => h.cleanup());

  it('still get answers, to their LID chat, and a clear message when a change needs their phone', async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
    const replies = await h.say(null, 'BAJA', { lid: '424242' });
    expect(replies.map((r) => r.to)).toEqual(['424242@lid']);
    expect(texts(replies)).toEqual([t('flows.identity_unknown')]);
    expect(await rows(h, "select cliente_id, \"from\", remote_jid from conversations_log where message_direction = 'inbound'")).toEqual([{ cliente_id: null, from: '424242@lid', remote_jid: '424242@lid' }]);
  });
});
