import { expect } from 'vitest';
import { rows, texts, upsert, wa, T0, type TestHarness } from '../../helpers/replay.ts';

/**
 * The core ingest scenarios, shared by the SQLite and PostgreSQL suites: a customer greets,
 * redelivery, receipts. Asserts on the stored rows, not on internals.
 */

export async function newCustomerGreets(h: TestHarness): Promise<void> {
  const replies = await h.feed(upsert([wa({ phone: '34600000001', id: 'IN-1', text: 'hola', name: 'Ana' })]));
  expect(texts(replies)[0]).toContain('¡Hola, Ana!');

  const users = await rows(h, 'select u.id, u."phoneNumber" as phone, u.nombre, u.user_type, r.role_name, u.last_message_at from usuarios u left join user_roles r on r.role_id = u.role_id');
  expect(users).toHaveLength(1);
  expect(users[0]).toMatchObject({ phone: '34600000001', nombre: 'Ana', user_type: 'client', role_name: 'client' });
  expect(new Date(users[0]!.last_message_at as string | number).getTime()).toBe(T0 * 1000);

  const log = await rows(h, 'select "from", cliente_id, message_id, message_direction, origin, body, platform_origin, delivery_status, c.channel_name from conversations_log l join message_channels c on c.channel_id = l.channel_id order by l.id');
  expect(log[0]).toMatchObject({ from: '34600000001', cliente_id: users[0]!.id, message_id: 'IN-1', message_direction: 'inbound', origin: 'customer', body: 'hola', platform_origin: 'baileys', channel_name: 'WhatsApp', delivery_status: null });
  const outbound = log.slice(1);
  expect(outbound.map((r) => r.body)).toEqual(texts(replies));
  expect(outbound.map((r) => r.message_id)).toEqual(replies.map((r) => r.messageId));
  for (const r of outbound) expect(r).toMatchObject({ from: '34600000001', cliente_id: users[0]!.id, message_direction: 'outbound', origin: 'flow', delivery_status: 'sent' });
}

export async function sameEventTwiceIsOneRow(h: TestHarness): Promise<void> {
  const event = upsert([wa({ phone: '34600000002', id: 'DUP-1', text: 'menú' })]);
  const first = await h.feed(event);
  const again = await h.feed(JSON.parse(JSON.stringify(event)));
  expect(first.length).toBeGreaterThan(0);
  expect(again).toEqual([]);
  const [{ n }] = await rows<{ n: number | string }>(h, "select count(*) as n from conversations_log where message_id = 'DUP-1'");
  expect(Number(n)).toBe(1);
  const [{ users }] = await rows<{ users: number | string }>(h, "select count(*) as users from usuarios where \"phoneNumber\" = '34600000002'");
  expect(Number(users)).toBe(1);
}

export async function receiptsMoveForwardOnly(h: TestHarness): Promise<void> {
  const [reply] = await h.say('34600000003', 'hola');
  const id = reply!.messageId;
  const status = async () => (await rows<{ s: string }>(h, 'select delivery_status as s from conversations_log where message_id = ?', [id]))[0]!.s;
  const update = (s: number) => h.feed({ type: 'messages.update', data: [{ key: { remoteJid: reply!.to, fromMe: true, id }, update: { status: s } }] });
  await update(3);
  expect(await status()).toBe('delivered');
  await update(4);
  expect(await status()).toBe('read');
  await update(3);
  expect(await status()).toBe('read');
  await update(0);
  expect(await status()).toBe('read');
}
