import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rows, type TestHarness } from '../../helpers/replay.ts';
import { CLIENTS, G1, STAFF, at, command, groupsHarness, jid, setTime } from './fixture.ts';

describe('membership history (replay → SQLite)', () => {
  let h: TestHarness;
  beforeEach(async () => {
    h = await groupsHarness();
  });
  afterEach(async () => h.cleanup());

  const change = async (secs: number, action: string, who: string, author: string) => {
    setTime(h, secs);
    await h.feed({ type: 'group-participants.update', data: { id: G1, author: jid(author), participants: [jid(who)], action } });
  };

  it('keeps one membership row for a member who leaves and comes back, with both stints in the history', async () => {
    h.socket.setGroups([{ id: G1, subject: 'Clientes VIP', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto) }] }] as never);
    await h.services.groups.syncWhatsAppGroups();
    await change(100, 'add', CLIENTS.carla, CLIENTS.ana);
    await change(200, 'promote', CLIENTS.carla, CLIENTS.ana);
    await change(300, 'remove', CLIENTS.carla, CLIENTS.carla);
    await change(400, 'add', CLIENTS.carla, CLIENTS.ana);
    await change(500, 'remove', CLIENTS.beto, CLIENTS.ana);
    // Redelivered event: nothing new.
    await h.feed({ type: 'group-participants.update', data: { id: G1, author: jid(CLIENTS.ana), participants: [jid(CLIENTS.beto)], action: 'remove' } });
    // Beto was added back while we were offline: the next sync notices.
    setTime(h, 600);
    h.socket.setGroups([{ id: G1, subject: 'Clientes VIP', owner: jid(CLIENTS.ana), participants: [{ id: jid(CLIENTS.ana), admin: 'superadmin' }, { id: jid(CLIENTS.beto) }, { id: jid(CLIENTS.carla) }] }] as never);
    await h.services.groups.syncWhatsAppGroups();

    expect(await rows(h, `select member_phone_number as phone, member_status as status, joined_date, left_date from whatsapp_group_members order by 1`)).toEqual([
      { phone: CLIENTS.ana, status: 'active', joined_date: at(0).getTime(), left_date: null },
      { phone: CLIENTS.beto, status: 'active', joined_date: at(600).getTime(), left_date: null },
      { phone: CLIENTS.carla, status: 'active', joined_date: at(400).getTime(), left_date: null },
    ]);
    // The group's first sync is a snapshot (members start at joined_date, no history rows);
    // everything after it is history.
    const events = await rows(h, `select member_phone_number as phone, action, actor_phone_number as actor, source, event_timestamp as t from whatsapp_group_member_events order by event_timestamp, event_id`);
    expect(events).toEqual([
      { phone: CLIENTS.carla, action: 'join', actor: CLIENTS.ana, source: 'event', t: at(100).getTime() },
      { phone: CLIENTS.carla, action: 'promote', actor: CLIENTS.ana, source: 'event', t: at(200).getTime() },
      { phone: CLIENTS.carla, action: 'leave', actor: CLIENTS.carla, source: 'event', t: at(300).getTime() },
      { phone: CLIENTS.carla, action: 'join', actor: CLIENTS.ana, source: 'event', t: at(400).getTime() },
      { phone: CLIENTS.beto, action: 'remove', actor: CLIENTS.ana, source: 'event', t: at(500).getTime() },
      { phone: CLIENTS.beto, action: 'join', actor: null, source: 'sync', t: at(600).getTime() },
    ]);

    const reply = (await command(h, STAFF.agent, '/grupo historial Clientes VIP'))[0]!;
    expect(reply.split('\n')).toEqual([
      '*Historial de «Clientes VIP»*:',
      '24/11/2024, 04:48 · Carla (+34600000003) entró por +34600000001',
      '24/11/2024, 04:50 · Carla (+34600000003) pasó a ser admin por +34600000001',
      '24/11/2024, 04:51 · Carla (+34600000003) salió',
      '24/11/2024, 04:53 · Carla (+34600000003) entró por +34600000001',
      '24/11/2024, 04:55 · Beto (+34600000002) fue expulsado por +34600000001',
      '24/11/2024, 04:56 · Beto (+34600000002) entró (visto al sincronizar)',
    ]);
    // From a date on (in TZ): only the later entries.
    const since = (await command(h, STAFF.agent, '/grupo historial 120363000000000001 2024-11-24'))[0]!;
    expect(since.split('\n')[0]).toBe('*Historial de «Clientes VIP»* desde 24/11/2024, 00:00:');
    expect(since.split('\n')).toHaveLength(7);
    const recent = (await command(h, STAFF.agent, `/grupo historial ${G1} desde=3m`))[0]!.split('\n');
    expect(recent.slice(1)).toEqual(['24/11/2024, 04:55 · Beto (+34600000002) fue expulsado por +34600000001', '24/11/2024, 04:56 · Beto (+34600000002) entró (visto al sincronizar)']);
    expect(await command(h, STAFF.agent, `/grupo historial ${G1} 1m`)).toEqual(['*Historial de «Clientes VIP»* desde 24/11/2024, 04:55:\n24/11/2024, 04:56 · Beto (+34600000002) entró (visto al sincronizar)']);
    setTime(h, 900);
    expect(await command(h, STAFF.agent, `/grupo historial ${G1} 1m`)).toEqual(['«Clientes VIP» no tiene movimientos de miembros desde 24/11/2024, 05:00.']);
    expect(await command(h, STAFF.agent, `/grupo historial ${G1} desde=2024-11-25`)).toEqual(['La fecha «2024-11-25» está en el futuro. Usa una fecha pasada o un periodo como 7d.']);
  });
});
