import { jidUser } from '../../transport/jid.ts';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { WhatsappGroupMember } from './whatsapp-group-member.entity.ts';
import { WhatsappGroupMemberEvent, type MemberAction } from './whatsapp-group-member-event.entity.ts';
import { insertIgnore } from '../messaging/bulk-insert.ts';
import type { GroupParticipant } from '../../transport/events.ts';
import { inChunks, marks, num, rawAll, rawRun } from './sql.ts';

/**
 * A group's full participant list (sync or `groups.upsert`) applied to its member rows in a
 * few set-based statements: one read of the current rows, a diff in memory, then bulk inserts
 * and `UPDATE … WHERE membership_id IN (…)` per kind of change. A sync of hundreds of groups
 * with a thousand members each stays within seconds (bench/groups); the unit of work would
 * spend most of that time tracking entities that do not change. Same rules as the event path
 * (groups.service.ts): new or returning members are joins, members missing from the list have
 * left, admin changes are promotions/demotions — all recorded with `source = sync` (except the
 * group's first list, a snapshot).
 */

interface MemberRow {
  membership_id: string;
  member_phone_number: string;
  member_lid: string | null;
  member_jid: string | null;
  member_name: string | null;
  member_status: string;
  is_admin: unknown;
  is_superadmin: unknown;
}

const CHUNK = 500;

/** The member key: phone digits, or `lid:<digits>` while WhatsApp only gave us the LID. */
export function memberKey(p: GroupParticipant): string {
  if (p.phone) return p.phone;
  if (p.lid) return `lid:${p.lid}`.slice(0, 20);
  return jidUser(p.jid).slice(0, 20);
}

/** Applies the list; returns how many members are active now. */
export async function syncParticipants(em: EntityManager, groupId: string, participants: GroupParticipant[], now: Date): Promise<number> {
  const rows = await rawAll<MemberRow>(
    em,
    'select membership_id, member_phone_number, member_lid, member_jid, member_name, member_status, is_admin, is_superadmin from whatsapp_group_members where group_id = ?',
    [groupId],
  );
  // The first list we ever see for a group is a snapshot, not a history of joins: those rows
  // start at `joined_date` = first seen, and history rows only record changes from then on.
  const firstSnapshot = rows.length === 0;
  const byKey = new Map(rows.map((m) => [m.member_phone_number, m]));
  const byLid = new Map(rows.filter((m) => m.member_lid).map((m) => [m.member_lid!, m]));
  const present = new Set<MemberRow>();
  const inserts: Record<string, unknown>[] = [];
  const rejoined: string[] = [];
  const adminSets = new Map<string, string[]>();
  const fieldUpdates: Array<{ id: string; set: Record<string, string> }> = [];
  const events: Array<{ m: MemberRow; action: MemberAction }> = [];

  for (const p of participants) {
    const isAdmin = p.admin === 'admin' || p.admin === 'superadmin';
    const isSuper = p.admin === 'superadmin';
    let m = byKey.get(memberKey(p)) ?? (p.lid ? byLid.get(p.lid) : undefined);
    if (!m) {
      m = { membership_id: randomUUID(), member_phone_number: memberKey(p), member_lid: p.lid ?? null, member_jid: p.jid, member_name: p.name?.slice(0, 255) ?? null, member_status: 'active', is_admin: isAdmin, is_superadmin: isSuper };
      byKey.set(m.member_phone_number, m);
      if (p.lid) byLid.set(p.lid, m);
      inserts.push({
        membershipId: m.membership_id, group: groupId, memberPhoneNumber: m.member_phone_number, memberName: m.member_name, memberJid: p.jid.slice(0, 255), memberLid: p.lid ?? null,
        joinedDate: now, leftDate: null, isAdmin, isSuperadmin: isSuper, memberStatus: 'active', createdAt: now, updatedAt: now,
      });
      if (!firstSnapshot) events.push({ m, action: 'join' });
      present.add(m);
      continue;
    }
    if (present.has(m)) continue; // listed twice (phone and LID forms of one person)
    present.add(m);
    const returning = m.member_status !== 'active';
    if (returning) {
      rejoined.push(m.membership_id);
      events.push({ m, action: 'join' });
    }
    const set: Record<string, string> = {};
    // A LID-only row learns its phone once WhatsApp reveals it.
    if (p.phone && m.member_phone_number !== p.phone && !byKey.has(p.phone)) {
      byKey.delete(m.member_phone_number);
      set.member_phone_number = m.member_phone_number = p.phone;
      byKey.set(p.phone, m);
    }
    if (m.member_jid !== p.jid) set.member_jid = p.jid.slice(0, 255);
    if (p.lid && m.member_lid !== p.lid) set.member_lid = p.lid;
    if (p.name && m.member_name !== p.name.slice(0, 255)) set.member_name = p.name.slice(0, 255);
    if (Object.keys(set).length) fieldUpdates.push({ id: m.membership_id, set });
    if (num(m.is_admin) !== Number(isAdmin) || num(m.is_superadmin) !== Number(isSuper)) {
      const key = `${Number(isAdmin)}${Number(isSuper)}`;
      adminSets.set(key, [...(adminSets.get(key) ?? []), m.membership_id]);
      if (!returning && num(m.is_admin) !== Number(isAdmin)) events.push({ m, action: isAdmin ? 'promote' : 'demote' });
    }
  }
  const gone = rows.filter((m) => m.member_status === 'active' && !present.has(m));
  for (const m of gone) events.push({ m, action: 'leave' });

  await insertIgnore(em, WhatsappGroupMember, inserts, null);
  await inChunks(rejoined, CHUNK, (ids) =>
    rawRun(em, `update whatsapp_group_members set member_status = 'active', joined_date = ?, left_date = null, updated_at = ? where membership_id in (${marks(ids.length)})`, [now, now, ...ids]),
  );
  await inChunks(gone.map((m) => m.membership_id), CHUNK, (ids) =>
    rawRun(em, `update whatsapp_group_members set member_status = 'left', left_date = ?, updated_at = ? where membership_id in (${marks(ids.length)})`, [now, now, ...ids]),
  );
  for (const [key, all] of adminSets) {
    await inChunks(all, CHUNK, (ids) =>
      rawRun(em, `update whatsapp_group_members set is_admin = ?, is_superadmin = ?, updated_at = ? where membership_id in (${marks(ids.length)})`, [key[0] === '1', key[1] === '1', now, ...ids]),
    );
  }
  for (const u of fieldUpdates) {
    const cols = Object.keys(u.set);
    await rawRun(em, `update whatsapp_group_members set ${cols.map((c) => `${c} = ?`).join(', ')}, updated_at = ? where membership_id = ?`, [...cols.map((c) => u.set[c]), now, u.id]);
  }
  await insertIgnore(
    em,
    WhatsappGroupMemberEvent,
    events.map((e) => ({ group: groupId, membership: e.m.membership_id, memberPhoneNumber: e.m.member_phone_number, action: e.action, actorPhoneNumber: null, source: 'sync', eventTimestamp: now, createdAt: now })),
    null,
  );
  return present.size;
}
