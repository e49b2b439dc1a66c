import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/sql';
import { rows, type TestHarness } from '../../helpers/replay.ts';
import { pgAvailable } from '../../helpers/db.ts';
import { withEm } from '../../../src/db/orm.ts';
import { findUserByPhone } from '../../../src/modules/identity/identity.service.ts';
import { countMessages } from '../../../src/modules/groups/counters.ts';
import { CLIENTS, G1, G2, STAFF, at, command, feedMessages, groupMessage, groupsHarness, jid, setTime } from './fixture.ts';

/** The groups module's set-based SQL (booleans, timestamps, RETURNING, row locks) on a real PostgreSQL. */
describe.skipIf(!(await pgAvailable()))('groups on PostgreSQL (replay)', () => {
  let h: TestHarness;
  const id = async (phone: string) => (await withEm(h.orm, (em) => findUserByPhone(em, phone)))!.id;
  const groupsOf = async (phone: string) =>
    (await h.services.groups.getClientGroups(await id(phone))).map((g) => [g.name, g.relationship, g.isPrimary, g.messageCount, g.lastMessageAt?.toISOString() ?? null]);
  beforeAll(async () => {
    h = await groupsHarness('postgresql');
    h.socket.setGroups([
      { id: G1, subject: 'Clientes VIP', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto) }] },
      { id: G2, subject: 'Ventas Norte', participants: [{ id: jid(CLIENTS.beto) }] },
    ] as never);
    await h.services.groups.syncWhatsAppGroups();
  });
  afterAll(async () => h?.cleanup());

  it('maps on sync, follows messages once each, and keeps one primary per client and type', async () => {
    expect(await groupsOf(CLIENTS.ana)).toEqual([['Clientes VIP', 'owner', true, 0, null]]);
    expect(await groupsOf(CLIENTS.beto)).toEqual([['Clientes VIP', 'member', true, 0, null], ['Ventas Norte', 'member', false, 0, null]]);
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'PG-1', 10), groupMessage(G1, CLIENTS.beto, 'PG-2', 20), groupMessage(G2, CLIENTS.beto, 'PG-3', 30)]);
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'PG-1', 10)]);
    expect(await groupsOf(CLIENTS.beto)).toEqual([['Clientes VIP', 'member', true, 2, at(20).toISOString()], ['Ventas Norte', 'member', false, 1, at(30).toISOString()]]);
    expect(await command(h, STAFF.manager, '/grupo asignar Ventas +34600000002 miembro principal=sí')).toEqual(['Hecho: actualizado el vínculo de «Ventas Norte» con +34600000002 (miembro).\nEs su grupo principal como miembro.']);
    expect((await groupsOf(CLIENTS.beto)).map((g) => [g[0], g[2]])).toEqual([['Ventas Norte', true], ['Clientes VIP', false]]);
    expect((await h.services.groups.mapGroupToClient(G2, await id(CLIENTS.carla), { relationshipType: 'owner' })).mapping.messageCount).toBe(1);
    expect(await rows(h, 'select u."phoneNumber" as parent from whatsapp_groups g join usuarios u on u.id = g.parent_cliente_id order by g.group_id')).toEqual([{ parent: CLIENTS.ana }, { parent: CLIENTS.carla }]);
  });

  it('never counts a message twice when two processes apply it at the same time (row locks)', async () => {
    // Written to the log as if the live counter had not run yet.
    await rows(h, `insert into whatsapp_group_messages_log (message_id, group_id, sender_phone_number, message_type, is_bot_message, message_timestamp, mapping_counted, created_at) values ('RACE-1', ?, ?, 'text', false, ?, false, now()), ('RACE-2', ?, ?, 'text', false, ?, false, now())`, [G1, CLIENTS.ana, at(40), G1, CLIENTS.ana, at(40)]);
    const apply = () => withEm(h.orm, (em) => em.transactional((tx) => countMessages(tx as unknown as EntityManager, ['RACE-1', 'RACE-2'], new Date())));
    const added = await Promise.all([apply(), apply(), apply()]);
    expect(added.reduce((a, b) => a + b, 0)).toBe(2);
    expect((await groupsOf(CLIENTS.ana))[0]).toEqual(['Clientes VIP', 'owner', true, 4, at(40).toISOString()]);
  });

  it('keeps the leave-and-rejoin history', async () => {
    setTime(h, 100);
    await h.feed({ type: 'group-participants.update', data: { id: G1, author: jid(CLIENTS.beto), participants: [jid(CLIENTS.beto)], action: 'remove' } });
    setTime(h, 200);
    await h.feed({ type: 'group-participants.update', data: { id: G1, author: jid(CLIENTS.ana), participants: [jid(CLIENTS.beto)], action: 'add' } });
    expect(await rows(h, `select count(*)::int as n from whatsapp_group_members where member_phone_number = ? and group_id = ?`, [CLIENTS.beto, G1])).toEqual([{ n: 1 }]);
    expect((await command(h, STAFF.agent, '/grupo historial Clientes VIP'))[0]!.split('\n').slice(-2)).toEqual([
      '24/11/2024, 04:48 · Beto (+34600000002) salió',
      '24/11/2024, 04:50 · Beto (+34600000002) entró por +34600000001',
    ]);
  });
});
