import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createReplayHarness, type ReplayHarness } from '../../src/transport/replay/harness.ts';
import { replyMessageId } from '../../src/modules/messaging/replies.ts';
import { t } from '../../src/shared/i18n/index.ts';
import { createTestOrm, type TestOrm } from '../helpers/db.ts';
import { rows, T0, texts, upsert, wa } from '../helpers/replay.ts';

/**
 * Replies survive a crash (src/modules/messaging/replies.ts). A "process" is a replay harness
 * with its own services (its own in-memory claims) over one database; a crash is the database
 * state a killed process leaves behind, and a restart is a second harness on the same database
 * that gets the message again (WhatsApp redelivers) or sweeps for pending ones at connect.
 */
const ANA = '34600000001';
const ADMIN = '34600000009';

describe('durable, idempotent replies', () => {
  let db: TestOrm;
  const open: ReplayHarness[] = [];
  const boot = async () => {
    const h = await createReplayHarness({ config: db.config, orm: db.orm, start: new Date(T0 * 1000) });
    open.push(h);
    return h;
  };
  const state = async (id: string) => (await rows<{ reply_state: string | null }>({ orm: db.orm }, 'select reply_state from conversations_log where message_id = ?', [id]))[0]?.reply_state;
  const outbound = (id: string) =>
    rows<{ message_id: string; body: string; delivery_status: string; reply_to: string }>(
      { orm: db.orm },
      "select message_id, body, delivery_status, reply_to from conversations_log where reply_to = ? and message_direction = 'outbound' order by message_id",
      [id],
    );
  const set = (sql: string, params: unknown[]) => db.orm.em.fork().getConnection().execute(sql, params);

  beforeEach(async () => {
    db = await createTestOrm('sqlite', { env: { ADMIN_PHONES: `+${ADMIN}` } });
  });
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    await db.cleanup();
  });

  it('answers a message once, under ids derived from it, and marks it done only after the replies left', async () => {
    const a = await boot();
    const sends = await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola', name: 'Ana' })]));
    expect(sends.map((s) => s.messageId)).toEqual([replyMessageId('M1', 0), replyMessageId('M1', 1)]);
    expect(await state('M1')).toBe('done');
    expect((await outbound('M1')).map((r) => r.delivery_status)).toEqual(['sent', 'sent']);
    // A redelivery of an answered message is not answered again.
    expect(await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola', name: 'Ana' })]))).toEqual([]);
  });

  it('after a crash before any reply left, a restart answers the redelivered message (same ids, same welcome)', async () => {
    const a = await boot();
    const first = await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola', name: 'Ana' })]));
    await a.close();
    // What a kill between "claimed" and the first send leaves: claimed, no outbound rows.
    await set("update conversations_log set reply_state = 'claimed' where message_id = 'M1'", []);
    await set("delete from conversations_log where reply_to = 'M1'", []);
    const b = await boot();
    const again = await b.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola', name: 'Ana' })]));
    expect(again.map((s) => [s.messageId, s.content.text])).toEqual(first.map((s) => [s.messageId, s.content.text]));
    expect(await state('M1')).toBe('done');
  });

  it('after a crash once the replies left but before "done", a restart sends nothing twice', async () => {
    const a = await boot();
    await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola' })]));
    await a.close();
    await set("update conversations_log set reply_state = 'claimed' where message_id = 'M1'", []);
    const b = await boot();
    expect(await b.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola' })]))).toEqual([]);
    expect(await state('M1')).toBe('done');
    expect(await outbound('M1')).toHaveLength(2);
  });

  it('re-sends under the same id a reply whose row stayed pending (sent or not, WhatsApp sees one message)', async () => {
    const a = await boot();
    await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola' })]));
    await a.close();
    await set("update conversations_log set reply_state = 'claimed' where message_id = 'M1'", []);
    await set("update conversations_log set delivery_status = 'pending' where message_id = ?", [replyMessageId('M1', 1)]);
    const b = await boot();
    const again = await b.feed(upsert([wa({ phone: ANA, id: 'M1', text: 'hola' })]));
    expect(again.map((s) => s.messageId)).toEqual([replyMessageId('M1', 1)]);
    expect((await outbound('M1')).map((r) => r.delivery_status)).toEqual(['sent', 'sent']);
  });

  it('on connect, answers messages a dead process left pending, if they are young enough', async () => {
    const a = await boot();
    await a.feed(upsert([wa({ phone: ANA, id: 'OLD', text: 'hola', ts: T0 })]));
    await a.feed(upsert([wa({ phone: ANA, id: 'M2', text: '2', ts: T0 + 3600 })]));
    await a.close();
    for (const id of ['OLD', 'M2']) {
      await set("update conversations_log set reply_state = 'pending' where message_id = ?", [id]);
      await set('delete from conversations_log where reply_to = ?', [id]);
    }
    const b = await boot();
    b.clock.observe(new Date((T0 + 3660) * 1000));
    const swept = await b.answerPending();
    // M2 ("2": my orders) is answered; OLD is older than REPLY_MAX_AGE and stays unanswered.
    expect(swept.map((s) => s.messageId)).toEqual([replyMessageId('M2', 0)]);
    expect(texts(swept)[0]).toMatch(/pedidos/i);
    expect(await state('M2')).toBe('done');
    expect(await b.answerPending()).toEqual([]);
  });

  it("each channel's sweep reads only its own platform: another platform's backlog never fills its page", async () => {
    const a = await boot();
    await a.feed(upsert([wa({ phone: ANA, id: 'CLOUD1', text: 'hola', ts: T0 }), wa({ phone: ANA, id: 'CLOUD2', text: 'hola', ts: T0 + 1 })]));
    await a.feed(upsert([wa({ phone: ANA, id: 'M3', text: '2', ts: T0 + 2 })]));
    await a.close();
    await set("update conversations_log set reply_state = 'pending', platform_origin = 'meta_cloud' where message_id in ('CLOUD1', 'CLOUD2')", []);
    await set("update conversations_log set reply_state = 'pending', platform_origin = null where message_id = 'M3'", []);
    const b = await boot();
    const since = new Date((T0 - 60) * 1000);
    // Two Cloud API messages wait first; a page of two still finds the Baileys one (no platform: Baileys).
    expect((await b.services.replies.unanswered(since, 2, 'baileys')).map((r) => r.messageId)).toEqual(['M3']);
    expect((await b.services.replies.unanswered(since, 2, 'meta_cloud')).map((r) => r.messageId)).toEqual(['CLOUD1', 'CLOUD2']);
  });

  it('answers a Baileys message through Baileys even when a Cloud API number runs and the log names it last', async () => {
    const a = await boot();
    const cloudSends: string[] = [];
    a.services.transports.add({
      platform: 'meta_cloud', businessNumberId: () => '111', state: () => ({ status: 'open', since: '', reconnects: 0 }),
      send: async (jid) => (cloudSends.push(jid), { messageId: `wamid.${cloudSends.length}`, jid }),
    });
    // The client's latest logged inbound is a Cloud API one (clock skew between the two platforms).
    await a.feed(upsert([wa({ phone: ANA, id: 'CL', text: 'hola', ts: T0 + 30 })]));
    await set("update conversations_log set platform_origin = 'meta_cloud', business_number_id = '111' where message_id = 'CL'", []);
    const sends = await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: '2', ts: T0 })]));
    expect(sends.map((s) => s.messageId)).toEqual([replyMessageId('M1', 0)]);
    expect(cloudSends).toEqual([]);
  });

  it('a send the transport refuses is logged failed (never sent), and answered by a later sweep', async () => {
    const a = await boot();
    const real = a.socket.sendMessage.bind(a.socket);
    a.socket.sendMessage = async () => {
      throw new Error('connection closed');
    };
    expect(await a.feed(upsert([wa({ phone: ANA, id: 'M1', text: '2' })]))).toEqual([]);
    expect(await state('M1')).toBe('pending');
    // First contact: welcome + menu, both refused.
    expect((await outbound('M1')).map((r) => r.delivery_status)).toEqual(['failed', 'failed']);
    a.socket.sendMessage = real;
    const swept = await a.answerPending();
    expect(swept.map((s) => s.messageId)).toEqual([replyMessageId('M1', 0), replyMessageId('M1', 1)]);
    expect((await outbound('M1')).map((r) => r.delivery_status)).toEqual(['sent', 'sent']);
    expect(await state('M1')).toBe('done');
  });

  it('never runs a slash command twice: interrupted while running, the sender is told instead', async () => {
    const a = await boot();
    await a.feed(upsert([wa({ phone: ADMIN, id: 'C1', text: '/seguridad clave una frase larga y secreta' })]));
    await a.close();
    await set("update conversations_log set reply_state = 'running' where message_id = 'C1'", []);
    await set("delete from conversations_log where reply_to = 'C1'", []);
    const b = await boot();
    const again = await b.feed(upsert([wa({ phone: ADMIN, id: 'C1', text: '/seguridad clave una frase larga y secreta' })]));
    expect(texts(again)).toEqual([t('admin.command_interrupted')]);
    const ran = await rows<{ n: number }>({ orm: db.orm }, `select count(*) as n from audit_log where action = 'command.seguridad.clave' and outcome = 'success' and details like '%"msg":"C1"%'`);
    expect(ran[0]!.n).toBe(1);
    expect(await state('C1')).toBe('done');
  });

  it('re-sends a command\'s stored replies after a crash while replying, without running it again', async () => {
    const a = await boot();
    const first = await a.feed(upsert([wa({ phone: ADMIN, id: 'C2', text: '/rol lista' })]));
    await a.close();
    await set("update conversations_log set reply_state = 'replying' where message_id = 'C2'", []);
    await set("update conversations_log set delivery_status = 'pending' where reply_to = 'C2'", []);
    const b = await boot();
    const again = await b.feed(upsert([wa({ phone: ADMIN, id: 'C2', text: '/rol lista' })]));
    expect(again.map((s) => [s.messageId, s.content.text])).toEqual(first.map((s) => [s.messageId, s.content.text]));
    const allowed = await rows<{ n: number }>({ orm: db.orm }, `select count(*) as n from audit_log where action = 'command.rol.lista' and outcome = 'allowed'`);
    expect(allowed[0]!.n).toBe(1);
  });
});
