import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { createServices } from '../../src/services.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createTestHarness, type TestHarness } from '../helpers/replay.ts';
import { createCloudHarness, type CloudHarness } from '../helpers/cloud.ts';
import { envelope, messagesChange, statusUpdate } from '../helpers/meta.ts';
import { fork, makeOutboundSend } from '../modules/meta/rows.ts';
import type { Orm } from '../../src/db/orm.ts';

const sql = <T = Record<string, unknown>>(orm: Orm, q: string, p: unknown[] = []) => orm.em.fork().getConnection().execute(q, p) as Promise<T[]>;
const state = async (orm: Orm, id: string) => ({
  conv: (await sql(orm, 'select delivery_status from conversations_log where message_id = ?', [id]))[0],
  recipient: (await sql(orm, 'select send_status, delivered_timestamp is not null as delivered, read_timestamp is not null as seen from campaign_recipient_log where message_id = ?', [id]))[0],
  usage: (await sql(orm, 'select status from template_usage_log where message_id = ?', [id]))[0],
});
const baileysReceipt = (id: string, status: number, phone = '34600000777') => ({
  type: 'messages.update',
  data: [{ key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: true, id }, update: { status } }],
});

let h: TestHarness | undefined;
let c: CloudHarness | undefined;
afterEach(async () => {
  await h?.cleanup();
  await c?.cleanup();
  h = c = undefined;
});

describe('one delivery-tracking path', () => {
  it('a Baileys receipt updates the conversation, the campaign recipient and the template usage rows (played counts as read)', async () => {
    h = await createTestHarness();
    await makeOutboundSend(fork(h.orm), 'BAE1');
    await h.feed(baileysReceipt('BAE1', 3));
    expect(await state(h.orm, 'BAE1')).toEqual({ conv: { delivery_status: 'delivered' }, recipient: { send_status: 'delivered', delivered: 1, seen: 0 }, usage: { status: 'delivered' } });
    await h.feed(baileysReceipt('BAE1', 5)); // PLAYED
    expect(await state(h.orm, 'BAE1')).toEqual({ conv: { delivery_status: 'read' }, recipient: { send_status: 'read', delivered: 1, seen: 1 }, usage: { status: 'read' } });
    // A late "delivered" never moves anything back.
    await h.feed(baileysReceipt('BAE1', 3));
    expect((await state(h.orm, 'BAE1')).recipient).toMatchObject({ send_status: 'read' });
  });

  it('a Baileys receipt that beats its send is kept durably and applied by another process when the send is logged', async () => {
    h = await createTestHarness();
    await h.feed(baileysReceipt('BAE2', 4, '34600000778'));
    expect(await sql(h.orm, 'select message_id, status from meta_pending_status')).toEqual([{ message_id: 'BAE2', status: 'read' }]);
    // Restart: nothing in memory survives; the new process logs the send and the receipt applies.
    await h.close();
    const other = createServices({ config: h.config, logger: silentLogger(), orm: h.orm, clock: systemClock });
    await other.ingest.logOutbound({ messageId: 'BAE2', chatJid: '34600000778@s.whatsapp.net', peerPhone: '34600000778', platform: 'baileys', messageType: 'text', body: 'hola', origin: 'flow', timestamp: new Date(), status: 'sent' });
    await other.ingest.close();
    expect((await state(h.orm, 'BAE2')).conv).toEqual({ delivery_status: 'read' });
    expect(await sql(h.orm, 'select count(*) as n from meta_pending_status')).toEqual([{ n: 0 }]);
  });

  it('a Cloud API status that beats its send survives a restart and is applied by the periodic sweep once the rows exist', async () => {
    c = await createCloudHarness();
    await c.post(envelope([messagesChange({ statuses: [statusUpdate({ id: 'wamid.EARLYC1', status: 'delivered', timestamp: '1800000000' })] })]));
    expect(await sql(c.orm, 'select message_id, status from meta_pending_status')).toEqual([{ message_id: 'wamid.EARLYC1', status: 'delivered' }]);
    await makeOutboundSend(fork(c.orm), 'wamid.EARLYC1', '34600000779');
    const other = createServices({ config: c.config, logger: silentLogger(), orm: c.orm, clock: systemClock });
    expect(await other.ingest.sweepEarlyReceipts()).toMatchObject({ applied: 1, settled: 1 });
    await other.ingest.close();
    expect(await state(c.orm, 'wamid.EARLYC1')).toEqual({ conv: { delivery_status: 'delivered' }, recipient: { send_status: 'delivered', delivered: 1, seen: 0 }, usage: { status: 'delivered' } });
    expect(await sql(c.orm, 'select count(*) as n from meta_pending_status')).toEqual([{ n: 0 }]);
  });
});
