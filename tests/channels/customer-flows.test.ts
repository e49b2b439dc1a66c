import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withEm } from '../../src/db/orm.ts';
import { Pedido } from '../../src/modules/orders/pedido.entity.ts';
import { t } from '../../src/shared/i18n/index.ts';
import { menuText } from '../../flows/context.ts';
import { openChat, PLATFORMS, type ChatDriver } from './drivers.ts';
import { pgAvailable } from '../helpers/db.ts';
import { TEST_PHONE_NUMBER_ID } from '../helpers/meta.ts';

const ANA = '34600000001';

describe.each(PLATFORMS)('customer flows over %s (same assertions on both platforms)', (platform) => {
  let c: ChatDriver;
  beforeEach(async () => {
    c = await openChat(platform, 'sqlite', { TZ: 'Europe/Madrid' });
  });
  afterEach(async () => c.cleanup());

  it('welcomes a first-time customer by name with the menu, then answers the menu options', async () => {
    expect(await c.say(ANA, 'Quiero información', { name: 'Ana' })).toEqual([t('flows.welcome_named', { name: 'Ana' }), menuText()]);
    expect(await c.say(ANA, 'Menú')).toEqual([menuText()]);
    expect(await c.say(ANA, '¿cuánto cuesta el envío?')).toEqual([t('flows.fallback')]);
    expect(await c.say(ANA, '1')).toEqual([t('flows.agent')]);
    expect(await c.say(ANA, 'mis pedidos')).toEqual([t('flows.orders_none')]);
  });

  it('"mis pedidos" lists the customer’s orders', async () => {
    await c.say(ANA, 'hola');
    const id = await withEm(c.orm, async (em) => {
      const [u] = await c.sql<{ id: number }>('select id from usuarios where "phoneNumber" = ?', [ANA]);
      const p = em.create(Pedido, { cliente: u!.id, total: '19.90', estado: 'enviado', currency: 'EUR', createdAt: new Date('2024-11-20T10:00:00Z'), updatedAt: new Date('2024-11-20T10:00:00Z') } as never);
      await em.flush();
      return (p as { id: number }).id;
    });
    const [list] = await c.say(ANA, '2');
    expect(list!.split('\n')).toEqual([t('flows.orders_header'), `• Pedido #${id} · 20/11/2024 · 19,90 EUR · enviado`, '', t('flows.orders_footer')]);
  });

  it('BAJA opts out of marketing and ALTA back in, with the rows updated', async () => {
    await c.say(ANA, 'hola');
    expect(await c.say(ANA, 'BAJA')).toEqual([t('flows.opt_out_done')]);
    expect((await c.sql('select marketing_opt_in from usuarios where "phoneNumber" = ?', [ANA]))[0]).toMatchObject({ marketing_opt_in: 0 });
    expect(await c.say(ANA, 'ALTA')).toEqual([t('flows.opt_in_done')]);
    expect((await c.sql('select marketing_opt_in from usuarios where "phoneNumber" = ?', [ANA]))[0]).toMatchObject({ marketing_opt_in: 1 });
  });

  it('logs every message in and out on this platform, replies from the number the customer wrote to', async () => {
    await c.say(ANA, 'hola', { name: 'Ana' });
    const logged = await c.sql<{ message_direction: string; origin: string; platform_origin: string; business_number_id: string | null }>(
      'select message_direction, origin, platform_origin, business_number_id from conversations_log order by id',
    );
    const platformOrigin = platform === 'meta' ? 'meta_cloud' : 'baileys';
    expect(logged.map((r) => [r.message_direction, r.origin, r.platform_origin])).toEqual([
      ['inbound', 'customer', platformOrigin],
      ['outbound', 'flow', platformOrigin],
      ['outbound', 'flow', platformOrigin],
    ]);
    expect(new Set(logged.map((r) => r.business_number_id)).size).toBe(1);
    expect(logged[0]!.business_number_id).not.toBeNull();
  });
});

describe.runIf(await pgAvailable())('the Cloud API conversation on PostgreSQL', () => {
  it('welcomes, answers a typed option and logs both directions with the business number', async () => {
    const c = await openChat('meta', 'postgresql');
    try {
      expect(await c.say(ANA, 'hola', { name: 'Ana' })).toEqual([t('flows.welcome_named', { name: 'Ana' }), menuText()]);
      expect(await c.say(ANA, '2')).toEqual([t('flows.orders_none')]);
      const rows = await c.sql<{ message_direction: string; business_number_id: string }>('select message_direction, business_number_id from conversations_log order by id');
      expect(rows.map((r) => r.message_direction)).toEqual(['inbound', 'outbound', 'outbound', 'inbound', 'outbound']);
      expect(new Set(rows.map((r) => r.business_number_id))).toEqual(new Set([TEST_PHONE_NUMBER_ID]));
    } finally {
      await c.cleanup();
    }
  });
});
