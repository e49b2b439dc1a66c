import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, type TestHarness } from '../../helpers/replay.ts';
import { withEm } from '../../../src/db/orm.ts';
import { findUserByPhone } from '../../../src/modules/identity/identity.service.ts';
import { CLIENTS, G1, G2, G3, STAFF, command, feedMessages, groupMessage, groupsHarness, jid, setTime } from './fixture.ts';

const mappings = (h: TestHarness) =>
  rows(
    h,
    `select u."phoneNumber" as phone, m.group_id, m.relationship_type as type, m.is_primary, m.message_count, m.last_message_date, m.purpose
       from whatsapp_group_cliente_mapping m join usuarios u on u.id = m.cliente_id order by m.group_id, u."phoneNumber"`,
  );
const parents = (h: TestHarness) => rows(h, 'select g.group_id, u."phoneNumber" as parent from whatsapp_groups g left join usuarios u on u.id = g.parent_cliente_id order by g.group_id');
const userId = async (h: TestHarness, phone: string) => (await withEm(h.orm, (em) => findUserByPhone(em, phone)))!.id;

describe('groups ↔ clients mapping (replay → SQLite)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await groupsHarness();
    // Ana owns G1 (Beto and an unknown number are members, staff member too); Beto is in G2.
    h.socket.setGroups([
      { id: G1, subject: 'Clientes VIP', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto) }, { id: jid('34699999999') }, { id: jid(STAFF.agent) }] },
      { id: G2, subject: 'Ventas Norte', owner: jid('34688888888'), participants: [{ id: jid('34688888888'), admin: 'superadmin' }, { id: jid(CLIENTS.beto) }] },
    ] as never);
  });
  afterEach(async () => h.cleanup());

  it('maps known clients on sync: the owner as owner (and parent client), members as members, first group of a type primary', async () => {
    const r = await h.services.groups.syncWhatsAppGroups();
    expect(r).toEqual({ groups: 2, active: 2, members: 6, mappings: 3 });
    expect(await mappings(h)).toEqual([
      { phone: CLIENTS.ana, group_id: G1, type: 'owner', is_primary: 1, message_count: 0, last_message_date: null, purpose: null },
      { phone: CLIENTS.beto, group_id: G1, type: 'member', is_primary: 1, message_count: 0, last_message_date: null, purpose: null },
      { phone: CLIENTS.beto, group_id: G2, type: 'member', is_primary: 0, message_count: 0, last_message_date: null, purpose: null },
    ]);
    // Staff (the agent) and unknown numbers are not clients; G2's owner is unknown → no parent.
    expect(await parents(h)).toEqual([{ group_id: G1, parent: CLIENTS.ana }, { group_id: G2, parent: null }]);
    // A second sync changes nothing.
    await h.services.groups.syncWhatsAppGroups();
    expect(await mappings(h)).toHaveLength(3);
  });

  it('upgrades a member to owner when the client turns out to own the group, and maps clients who join later', async () => {
    await h.services.groups.syncWhatsAppGroups();
    await h.feed({ type: 'groups.upsert', data: [{ id: G2, subject: 'Ventas Norte', owner: jid(CLIENTS.beto), participants: [{ id: jid(CLIENTS.beto), admin: 'superadmin' }] }] });
    await h.feed({ type: 'group-participants.update', data: { id: G2, author: jid(CLIENTS.beto), participants: [jid(CLIENTS.carla)], action: 'add' } });
    const g2 = (await mappings(h)).filter((m) => m.group_id === G2);
    expect(g2).toEqual([
      expect.objectContaining({ phone: CLIENTS.beto, type: 'owner', is_primary: 1 }),
      expect.objectContaining({ phone: CLIENTS.carla, type: 'member', is_primary: 1 }),
    ]);
    expect((await parents(h)).find((p) => p.group_id === G2)).toEqual({ group_id: G2, parent: CLIENTS.beto });
  });

  it('maps manually with a purpose; at most one primary group per client and relationship type', async () => {
    await h.services.groups.syncWhatsAppGroups();
    await h.feed({ type: 'groups.upsert', data: [{ id: G3, subject: 'Promos Otoño', participants: [{ id: jid('34677777777') }] }] });
    const carla = await userId(h, CLIENTS.carla);
    // PRD signature: mapGroupToClient(groupId, clienteId).
    const first = await h.services.groups.mapGroupToClient(G1, carla, { relationshipType: 'target_audience', purpose: 'Ofertas VIP' });
    expect(first).toMatchObject({ created: true, previous: null, mapping: { isPrimary: true, relationshipType: 'target_audience' } });
    const second = await h.services.groups.mapGroupToClient(G3, carla, { relationshipType: 'target_audience' });
    expect(second.mapping.isPrimary).toBe(false);
    // Moving the primary by command: the other one stops being primary.
    expect((await command(h, STAFF.manager, '/grupo asignar "Promos" +34600000003 audiencia principal=sí'))[0]).toBe(
      'Hecho: actualizado el vínculo de «Promos Otoño» con +34600000003 (audiencia).\nEs su grupo principal como audiencia.',
    );
    const carlas = (await mappings(h)).filter((m) => m.phone === CLIENTS.carla);
    expect(carlas.map((m) => [m.group_id, m.type, m.is_primary, m.purpose])).toEqual([
      [G1, 'target_audience', 0, 'Ofertas VIP'],
      [G3, 'target_audience', 1, null],
    ]);
    const primaries = await rows(h, `select cliente_id, relationship_type, count(*) as n from whatsapp_group_cliente_mapping where is_primary = 1 group by 1, 2 having count(*) > 1`);
    expect(primaries).toEqual([]);
    // A manual owner becomes the parent client of a group whose WhatsApp owner is unknown.
    expect(await command(h, STAFF.manager, '/grupo asignar Ventas +34 600 000 003 propietario Cuenta principal')).toEqual(['Hecho: «Ventas Norte» queda vinculado a +34600000003 como propietario.\nEs su grupo principal como propietario.']);
    expect((await parents(h)).find((p) => p.group_id === G2)).toEqual({ group_id: G2, parent: CLIENTS.carla });
    // Removing the primary passes it to the client's other group of that type.
    expect(await command(h, STAFF.manager, '/grupo quitar Promos +34600000003')).toEqual(['Hecho: «Promos Otoño» ya no está vinculado a +34600000003 (era audiencia).']);
    expect((await mappings(h)).filter((m) => m.phone === CLIENTS.carla && m.type === 'target_audience').map((m) => [m.group_id, m.is_primary])).toEqual([[G1, 1]]);
  });

  it('refuses to remove an automatic link whose reason still holds, and lists a client\'s groups', async () => {
    await h.services.groups.syncWhatsAppGroups();
    expect(await command(h, STAFF.manager, '/grupo quitar "Clientes VIP" +34600000002')).toEqual([
      '+34600000002 sigue siendo propietario o miembro de ese grupo en WhatsApp, así que el vínculo volvería en la próxima sincronización. Cambia su relación con /grupo asignar o sácalo antes del grupo.',
    ]);
    await h.feed({ type: 'group-participants.update', data: { id: G1, author: jid(CLIENTS.beto), participants: [jid(CLIENTS.beto)], action: 'remove' } });
    const list = (await command(h, STAFF.agent, '/grupo cliente +34600000002'))[0]!;
    expect(list.split('\n')).toEqual([
      '*Grupos de Beto (+34600000002)* (2):',
      '• Clientes VIP — miembro, principal · 0 mensajes · último nunca · salió del grupo',
      '• Ventas Norte — miembro · 0 mensajes · último nunca · está en el grupo',
    ]);
    expect(await command(h, STAFF.manager, '/grupo quitar "Clientes VIP" +34600000002')).toEqual(['Hecho: «Clientes VIP» ya no está vinculado a +34600000002 (era miembro).']);
    const groups = await h.services.groups.getClientGroups(await userId(h, CLIENTS.beto));
    expect(groups.map((g) => [g.name, g.relationship, g.isPrimary])).toEqual([['Ventas Norte', 'member', true]]);
  });

  it('keeps message_count and last_message_date current as group messages arrive, once per message', async () => {
    await h.services.groups.syncWhatsAppGroups();
    // Messages logged before a mapping exists are its starting point.
    await feedMessages(h, [groupMessage(G2, CLIENTS.beto, 'M-0', 5)]);
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'M-1', 10), groupMessage(G1, CLIENTS.beto, 'M-2', 20), groupMessage(G2, '34688888888', 'M-3', 30)]);
    const count = async () => (await mappings(h)).map((m) => [m.phone, m.group_id, m.message_count, m.last_message_date]);
    const t = (s: number) => (1732420000 + s) * 1000;
    expect(await count()).toEqual([
      [CLIENTS.ana, G1, 2, t(20)],
      [CLIENTS.beto, G1, 2, t(20)],
      [CLIENTS.beto, G2, 2, t(30)],
    ]);
    // Redelivery (same ids) and an older message arriving late.
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'M-1', 10), groupMessage(G1, CLIENTS.beto, 'M-2', 20)]);
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'M-4', 15)]);
    expect(await count()).toEqual([
      [CLIENTS.ana, G1, 3, t(20)],
      [CLIENTS.beto, G1, 3, t(20)],
      [CLIENTS.beto, G2, 2, t(30)],
    ]);
    // A mapping created later starts from the group's messages so far.
    const carla = await userId(h, CLIENTS.carla);
    const m = await h.services.groups.mapGroupToClient(G1, carla, { relationshipType: 'support_group' });
    expect([m.mapping.messageCount, m.mapping.lastMessageDate?.getTime()]).toEqual([3, t(20)]);
    // Counted exactly: the stored counters equal a full recount.
    const recount = await rows(h, `select m.mapping_id from whatsapp_group_cliente_mapping m where m.message_count <> (select count(*) from whatsapp_group_messages_log l where l.group_id = m.group_id)`);
    expect(recount).toEqual([]);
  });

  it('catches up messages whose counter update was lost (a crash) on the next full sync, without counting twice', async () => {
    await h.services.groups.syncWhatsAppGroups();
    await feedMessages(h, [groupMessage(G1, CLIENTS.ana, 'M-1', 10)]);
    // As if the process died between writing the log and updating the counters.
    await rows(h, `insert into whatsapp_group_messages_log (message_id, group_id, sender_phone_number, message_type, is_bot_message, message_timestamp, mapping_counted, created_at) values ('LOST-1', ?, ?, 'text', 0, ?, 0, ?)`, [G1, CLIENTS.beto, (1732420000 + 40) * 1000, Date.now()]);
    expect((await mappings(h)).filter((m) => m.group_id === G1).map((m) => m.message_count)).toEqual([1, 1]);
    setTime(h, 60);
    await h.services.groups.syncWhatsAppGroups();
    await h.services.groups.syncWhatsAppGroups();
    expect((await mappings(h)).filter((m) => m.group_id === G1).map((m) => [m.message_count, m.last_message_date])).toEqual([
      [2, (1732420000 + 40) * 1000],
      [2, (1732420000 + 40) * 1000],
    ]);
  });
});
