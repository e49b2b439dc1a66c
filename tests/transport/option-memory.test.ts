import { describe, expect, it } from 'vitest';
import { createOptionMemory } from '../../src/transport/option-memory.ts';
import { createTestHarness, texts } from '../helpers/replay.ts';
import { t } from '../../src/shared/i18n/index.ts';

describe('typed numbers answer the options last offered', () => {
  it('maps "2" to the second button or list row sent to that customer, and leaves anything else alone', () => {
    const m = createOptionMemory(2);
    m.sent('34600000001', { kind: 'buttons', text: '¿Qué?', buttons: [{ id: 'agente', title: 'A' }, { id: 'pedidos', title: 'B' }] });
    m.sent('34600000002', { kind: 'list', text: 'Elige', button: 'Ver', sections: [{ rows: [{ id: 'x', title: 'X' }] }, { rows: [{ id: 'y', title: 'Y' }] }] });
    expect(m.answer('34600000001', ' 2 ')).toBe('pedidos');
    expect(m.answer('34600000002', '2')).toBe('y');
    expect(m.answer('34600000001', '7')).toBe('7');
    expect(m.answer('34600000001', 'hola')).toBe('hola');
    m.sent('34600000001', { kind: 'text', text: 'nada' });
    expect(m.answer('34600000001', '1')).toBe('agente');
    m.sent('34600000003', { kind: 'buttons', text: '?', buttons: [{ id: 'z', title: 'Z' }] });
    expect(m.answer('34600000001', '1')).toBe('1'); // bounded: the oldest customer was forgotten
  });

  it('keeps a typed number answering the numbered Baileys menu, logged as typed', async () => {
    const h = await createTestHarness();
    try {
      await h.say('34600000001', 'hola');
      expect(texts(await h.say('34600000001', '2'))).toEqual([t('flows.orders_none')]);
      const [row] = (await h.orm.em.fork().getConnection().execute("select body from conversations_log where message_direction = 'inbound' order by id desc limit 1")) as Array<{ body: string }>;
      expect(row!.body).toBe('2'); // logged as typed
    } finally {
      await h.cleanup();
    }
  });
});
