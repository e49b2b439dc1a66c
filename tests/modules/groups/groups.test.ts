import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestHarness, rows, upsert, wa, T0, type TestHarness } from '../../helpers/replay.ts';

const G = '120363025246125888@g.us';
const jid = (n: number) => `3460000000${n}@s.whatsapp.net`;
const at = (secs: number) => (T0 + secs) * 1000;

const members = (h: TestHarness) =>
  rows(h, 'select member_phone_number as phone, member_lid as lid, member_status as status, is_admin, is_superadmin, joined_date, left_date from whatsapp_group_members order by member_phone_number');

describe('groups: sync and membership history (replay → SQLite)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await createTestHarness('sqlite', { start: new Date(T0 * 1000) });
  });
  afterEach(async () => h.cleanup());

  const groupUpsert = () =>
    h.feed({
      type: 'groups.upsert',
      data: [{ id: G, subject: 'Clientes VIP', desc: 'Novedades', creation: T0 - 86400, owner: jid(9), participants: [{ id: jid(9), admin: 'superadmin' }, { id: jid(1) }, { id: jid(2), admin: 'admin' }] }],
    });

  it('upserts the group and its members from groups.upsert', async () => {
    await h.say('34600000009', 'hola'); // the owner is a known person, so the owner link is kept
    await groupUpsert();
    expect(await rows(h, 'select group_id, group_jid, group_name, group_description, owner_phone_number, total_members, sync_status, last_sync, is_active, group_creation_date from whatsapp_groups')).toEqual([
      { group_id: G, group_jid: G, group_name: 'Clientes VIP', group_description: 'Novedades', owner_phone_number: '34600000009', total_members: 3, sync_status: 'synced', last_sync: at(0), is_active: 1, group_creation_date: at(-86400) },
    ]);
    expect(await members(h)).toEqual([
      { phone: '34600000001', lid: null, status: 'active', is_admin: 0, is_superadmin: 0, joined_date: at(0), left_date: null },
      { phone: '34600000002', lid: null, status: 'active', is_admin: 1, is_superadmin: 0, joined_date: at(0), left_date: null },
      { phone: '34600000009', lid: null, status: 'active', is_admin: 1, is_superadmin: 1, joined_date: at(0), left_date: null },
    ]);
  });

  it('keeps membership history: add, promote, demote, removed by an admin, left by themselves, and re-joining', async () => {
    await groupUpsert();
    const change = async (secs: number, action: string, participants: unknown[], author = jid(9)) => {
      h.clock.advance(at(secs) - h.clock.now().getTime());
      await h.feed({ type: 'group-participants.update', data: { id: G, author, participants, action } });
    };
    await change(10, 'add', [{ id: '777@lid', phoneNumber: jid(3) }]);
    await change(20, 'promote', [jid(1)]);
    await change(30, 'demote', [jid(2)]);
    await change(40, 'remove', [jid(2)]);
    await change(50, 'remove', [jid(1)], jid(1));
    await change(60, 'add', [jid(1)]);
    expect(await members(h)).toEqual([
      { phone: '34600000001', lid: null, status: 'active', is_admin: 0, is_superadmin: 0, joined_date: at(60), left_date: null },
      { phone: '34600000002', lid: null, status: 'removed', is_admin: 0, is_superadmin: 0, joined_date: at(0), left_date: at(40) },
      { phone: '34600000003', lid: '777', status: 'active', is_admin: 0, is_superadmin: 0, joined_date: at(10), left_date: null },
      { phone: '34600000009', lid: null, status: 'active', is_admin: 1, is_superadmin: 1, joined_date: at(0), left_date: null },
    ]);
    const snapshot = await rows(h, "select member_status, left_date from whatsapp_group_members where member_phone_number = '34600000001'");
    expect(snapshot).toEqual([{ member_status: 'active', left_date: null }]);
    expect(await rows(h, 'select total_members from whatsapp_groups')).toEqual([{ total_members: 3 }]);
  });

  it('records a self-removal as "left" and a removal by someone else as "removed"', async () => {
    await groupUpsert();
    await h.feed({ type: 'group-participants.update', data: { id: G, author: jid(1), participants: [jid(1)], action: 'remove' } });
    await h.feed({ type: 'group-participants.update', data: { id: G, author: jid(9), participants: [{ id: jid(2) }], action: 'remove' } });
    const rowsBy = Object.fromEntries((await members(h)).map((m) => [m.phone, m.status]));
    expect(rowsBy).toMatchObject({ '34600000001': 'left', '34600000002': 'removed' });
  });

  it('updates the subject (with its timestamp) and the description', async () => {
    await groupUpsert();
    h.clock.advance(5_000);
    await h.feed({ type: 'groups.update', data: [{ id: G, subject: 'Clientes VIP 2025' }] });
    await h.feed({ type: 'groups.update', data: [{ id: G, desc: 'Solo novedades importantes' }] });
    expect(await rows(h, 'select group_name, group_subject_timestamp, group_description from whatsapp_groups')).toEqual([
      { group_name: 'Clientes VIP 2025', group_subject_timestamp: at(5), group_description: 'Solo novedades importantes' },
    ]);
  });

  it('logs group messages (sender, type, bot flag) in whatsapp_group_messages_log and never answers them', async () => {
    await groupUpsert();
    const replies = await h.feed(upsert([
      wa({ jid: G, participant: jid(1), id: 'GM-1', name: 'Ana', text: 'hola grupo' }),
      wa({ jid: G, fromMe: true, id: 'GM-2', text: 'Bienvenidos' }),
      wa({ jid: G, participant: jid(2), id: 'GM-3', message: { imageMessage: { mimetype: 'image/jpeg', url: 'https://mmg.whatsapp.net/x.enc', caption: 'foto' } } }),
    ]));
    expect(replies).toEqual([]);
    expect(await rows(h, 'select message_id, group_id, sender_phone_number, sender_name, message_body, message_type, media_url, is_bot_message from whatsapp_group_messages_log order by message_id')).toEqual([
      { message_id: 'GM-1', group_id: G, sender_phone_number: '34600000001', sender_name: 'Ana', message_body: 'hola grupo', message_type: 'text', media_url: null, is_bot_message: 0 },
      { message_id: 'GM-2', group_id: G, sender_phone_number: '34000000000', sender_name: null, message_body: 'Bienvenidos', message_type: 'text', media_url: null, is_bot_message: 1 },
      { message_id: 'GM-3', group_id: G, sender_phone_number: '34600000002', sender_name: null, message_body: 'foto', message_type: 'image', media_url: 'https://mmg.whatsapp.net/x.enc', is_bot_message: 0 },
    ]);
    expect(await rows(h, 'select count(*) as n from conversations_log')).toEqual([{ n: 0 }]);
  });

  it('on connect, a full sync marks members who are gone as left and groups we are no longer in as inactive', async () => {
    await groupUpsert();
    await h.feed({ type: 'groups.upsert', data: [{ id: 'other@g.us', subject: 'Otro', participants: [{ id: jid(5) }] }] });
    // What WhatsApp reports on the next connection: jid(2) left G, and this account left 'other'.
    h.socket.setGroups([{ id: G, subject: 'Clientes VIP', participants: [{ id: jid(9), admin: 'superadmin' }, { id: jid(1) }] }]);
    h.clock.advance(60_000);
    await h.feed({ type: 'connection.update', data: { connection: 'open' } });
    const inG = await rows(h, 'select member_phone_number as phone, member_status as status, left_date from whatsapp_group_members where group_id = ? order by 1', [G]);
    expect(inG.map((m) => [m.phone, m.status, m.left_date])).toEqual([
      ['34600000001', 'active', null],
      ['34600000002', 'left', at(60)],
      ['34600000009', 'active', null],
    ]);
    expect(await rows(h, 'select group_id, is_active, total_members, last_sync from whatsapp_groups order by group_id')).toEqual([
      { group_id: G, is_active: 1, total_members: 2, last_sync: at(60) },
      { group_id: 'other@g.us', is_active: 0, total_members: 1, last_sync: at(0) },
    ]);
  });
});
