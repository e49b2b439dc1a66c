import { lidJid } from '../../transport/jid.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { WhatsappGroup, type IWhatsappGroup } from './whatsapp-group.entity.ts';
import { WhatsappGroupMember, type IWhatsappGroupMember } from './whatsapp-group-member.entity.ts';
import { WhatsappGroupMemberEvent, type MemberAction } from './whatsapp-group-member-event.entity.ts';
import { insertIgnore } from '../messaging/bulk-insert.ts';
import { autoMapGroups } from './mapping.ts';
import { memberKey, syncParticipants } from './roster-sync.ts';
import { lockGroups } from './sql.ts';
import type { GroupInfo, GroupParticipant, GroupParticipantsChanged, GroupUpdated, GroupUpserted } from '../../transport/events.ts';

/**
 * Group sync and membership history, as the ingest pipeline writes them. A sync (or
 * `groups.upsert`) carries each group's full participant list (roster-sync.ts): members
 * missing from it are marked `left`. Participant events keep the history: add → active with
 * `joined_date`; remove → `left` when the participant removed themselves (author =
 * participant) or `removed` when someone else did; promote/demote flip the admin flags.
 * Member rows are never deleted and hold the current stint; every change is also a
 * `whatsapp_group_member_events` row (with its author when WhatsApp names one), so a member who
 * leaves and comes back keeps one row while both stints stay in the history. Known clients
 * among owners and members are mapped to the group in the same transaction (mapping.ts).
 */

export { memberKey };

interface Roster {
  group: IWhatsappGroup;
  byKey: Map<string, IWhatsappGroupMember>;
  byLid: Map<string, IWhatsappGroupMember>;
}

/** The group row (created as a placeholder when unknown), without its owner relation: see setOwner. */
async function loadGroup(em: EntityManager, jid: string, now: Date): Promise<IWhatsappGroup> {
  const group = await em.findOne(WhatsappGroup, { groupId: jid }, { exclude: ['owner'] as never });
  return group ?? em.create(WhatsappGroup, { groupId: jid, groupJid: jid, groupName: jid.split('@')[0]!, syncStatus: 'pending', isActive: true, createdAt: now, updatedAt: now } as never);
}

async function loadRoster(em: EntityManager, jid: string, now: Date): Promise<Roster> {
  const group = await loadGroup(em, jid, now);
  const members = await em.find(WhatsappGroupMember, { group: jid });
  const byKey = new Map(members.map((m) => [m.memberPhoneNumber, m]));
  const byLid = new Map(members.filter((m) => m.memberLid).map((m) => [m.memberLid!, m]));
  return { group, byKey, byLid };
}

function findMember(r: Roster, p: GroupParticipant): IWhatsappGroupMember | null {
  return r.byKey.get(memberKey(p)) ?? (p.lid ? r.byLid.get(p.lid) : undefined) ?? null;
}

/** Finds or creates the member row and makes it active (re-joining clears `left_date`). */
function activate(em: EntityManager, r: Roster, p: GroupParticipant, at: Date): IWhatsappGroupMember {
  let m = findMember(r, p);
  if (!m) {
    m = em.create(WhatsappGroupMember, { group: r.group, memberPhoneNumber: memberKey(p), joinedDate: at, memberStatus: 'active', createdAt: at, updatedAt: at } as never);
    r.byKey.set(m.memberPhoneNumber, m);
  } else if (m.memberStatus !== 'active') {
    m.memberStatus = 'active';
    m.joinedDate = at;
    m.leftDate = null;
  }
  // A LID-only row learns its phone once WhatsApp reveals it.
  if (p.phone && m.memberPhoneNumber !== p.phone && !r.byKey.has(p.phone)) {
    r.byKey.delete(m.memberPhoneNumber);
    m.memberPhoneNumber = p.phone;
    r.byKey.set(p.phone, m);
  }
  m.memberJid = p.jid;
  if (p.lid) {
    m.memberLid = p.lid;
    r.byLid.set(p.lid, m);
  }
  if (p.name) m.memberName = p.name.slice(0, 255);
  return m;
}

const activeCount = (r: Roster) => [...r.byKey.values()].filter((m) => m.memberStatus === 'active').length;

/**
 * owner_phone_number references usuarios.phoneNumber: only people we know can be linked. Set in
 * SQL rather than through the relation: a group loaded with its owner holds a reference keyed by
 * the phone (a non-PK target key), which the unit of work would try to insert again as a new
 * usuario on the next flush — so groups are always loaded without it.
 */
async function setOwner(em: EntityManager, groupId: string, phone: string): Promise<void> {
  await em.getConnection().execute(
    'update whatsapp_groups set owner_phone_number = (select u."phoneNumber" from usuarios u where u."phoneNumber" = ?) where group_id = ?',
    [phone, groupId],
    'run',
    em.getTransactionContext(),
  );
}

export async function upsertGroup(em: EntityManager, info: GroupInfo, now: Date): Promise<IWhatsappGroup> {
  const g = await loadGroup(em, info.jid, now);
  if (info.subject) g.groupName = info.subject.slice(0, 255);
  if (info.subjectTime) g.groupSubjectTimestamp = info.subjectTime;
  if (info.description !== undefined) g.groupDescription = info.description;
  if (info.creation) g.groupCreationDate = info.creation;
  g.isActive = true;
  g.syncStatus = 'synced';
  g.lastSync = now;
  if (!info.participants && info.size != null) g.totalMembers = info.size;
  await em.flush();
  if (info.participants) {
    g.totalMembers = await syncParticipants(em, info.jid, info.participants, now);
    await em.flush();
  }
  if (info.ownerPhone) await setOwner(em, g.groupId, info.ownerPhone);
  return g;
}

export async function applyGroupUpsert(em: EntityManager, e: GroupUpserted): Promise<void> {
  // PostgreSQL: take the group row locks up front, in id order, as the counters do — never one
  // by one in the sync's order, which could deadlock with a counter update.
  await lockGroups(em, e.groups.map((g) => g.jid));
  for (const info of e.groups) await upsertGroup(em, info, e.timestamp);
  await autoMapGroups(em, e.groups.map((g) => g.jid), e.timestamp);
  if (e.fullSync) {
    const jids = e.groups.map((g) => g.jid);
    // Groups missing from a full sync are ones this account has left.
    await em.nativeUpdate(WhatsappGroup, (jids.length ? { groupId: { $nin: jids }, isActive: true } : { isActive: true }) as never, { isActive: false, updatedAt: e.timestamp });
  }
}

export async function applyGroupUpdate(em: EntityManager, e: GroupUpdated): Promise<void> {
  const group = await loadGroup(em, e.jid, e.timestamp);
  if (e.subject) {
    group.groupName = e.subject.slice(0, 255);
    group.groupSubjectTimestamp = e.timestamp;
  }
  if (e.description !== undefined) group.groupDescription = e.description ?? null;
  await em.flush();
}

/** Whether the author of a participant event is that participant (they left by themselves). */
function isSelf(author: string | null | undefined, p: GroupParticipant): boolean {
  if (!author) return false;
  return author === p.phone || author === p.jid || (p.lid != null && (author === p.lid || author === lidJid(p.lid)));
}

export async function applyParticipants(em: EntityManager, e: GroupParticipantsChanged): Promise<void> {
  const r = await loadRoster(em, e.jid, e.timestamp);
  const events: Array<{ m: IWhatsappGroupMember; action: MemberAction }> = [];
  for (const p of e.participants) {
    if (e.action === 'add') {
      const m = activate(em, r, p, e.timestamp);
      m.joinedDate = e.timestamp;
      m.isAdmin = p.admin === 'admin' || p.admin === 'superadmin';
      m.isSuperadmin = p.admin === 'superadmin';
      events.push({ m, action: 'join' });
    } else if (e.action === 'remove') {
      const m = findMember(r, p) ?? activate(em, r, p, e.timestamp);
      m.memberStatus = isSelf(e.author, p) ? 'left' : 'removed';
      m.leftDate = e.timestamp;
      m.isAdmin = false;
      m.isSuperadmin = false;
      events.push({ m, action: m.memberStatus === 'left' ? 'leave' : 'remove' });
    } else if (e.action === 'promote' || e.action === 'demote') {
      const m = findMember(r, p) ?? activate(em, r, p, e.timestamp);
      m.isAdmin = e.action === 'promote';
      if (e.action === 'demote') m.isSuperadmin = false;
      events.push({ m, action: e.action });
    }
    // 'modify' (a participant's id changed between LID and phone): the next sync records it.
  }
  r.group.totalMembers = activeCount(r);
  await em.flush();
  // After the flush, so the member rows exist; a redelivered event writes nothing.
  await insertIgnore(
    em,
    WhatsappGroupMemberEvent,
    events.map(({ m, action }) => ({
      group: e.jid, membership: m.membershipId, memberPhoneNumber: m.memberPhoneNumber, action,
      actorPhoneNumber: e.author?.slice(0, 64) ?? null, source: 'event', eventTimestamp: e.timestamp, createdAt: new Date(),
    })),
    null,
  );
  if (e.action === 'add') await autoMapGroups(em, [e.jid], e.timestamp);
}
