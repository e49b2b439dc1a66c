import { jidUser, lidJid } from '../../transport/jid.ts';
import type { EntityManager } from '@mikro-orm/sql';
import { WhatsappGroup, type IWhatsappGroup } from './whatsapp-group.entity.ts';
import { WhatsappGroupMember, type IWhatsappGroupMember } from './whatsapp-group-member.entity.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import type { GroupInfo, GroupParticipant, GroupParticipantsChanged, GroupUpdated, GroupUpserted } from '../../transport/events.ts';

/**
 * Group sync and membership history. A sync (or `groups.upsert`) carries each group's full
 * participant list: members missing from it are marked `left`. Participant events keep the
 * history: add → active with `joined_date`; remove → `left` when the participant removed
 * themselves (author = participant) or `removed` when someone else did; promote/demote flip the
 * admin flags. Rows are never deleted.
 */

/** The member key: phone digits, or `lid:<digits>` while WhatsApp only gave us the LID. */
export function memberKey(p: GroupParticipant): string {
  if (p.phone) return p.phone;
  if (p.lid) return `lid:${p.lid}`.slice(0, 20);
  return jidUser(p.jid).slice(0, 20);
}

interface Roster {
  group: IWhatsappGroup;
  byKey: Map<string, IWhatsappGroupMember>;
  byLid: Map<string, IWhatsappGroupMember>;
}

async function loadRoster(em: EntityManager, jid: string, now: Date): Promise<Roster> {
  let group = await em.findOne(WhatsappGroup, { groupId: jid });
  if (!group) {
    group = em.create(WhatsappGroup, { groupId: jid, groupJid: jid, groupName: jidUser(jid), syncStatus: 'pending', isActive: true, createdAt: now, updatedAt: now } as never);
  }
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

function setAdmin(m: IWhatsappGroupMember, admin: GroupParticipant['admin']): void {
  m.isAdmin = admin === 'admin' || admin === 'superadmin';
  m.isSuperadmin = admin === 'superadmin';
}

const activeCount = (r: Roster) => [...r.byKey.values()].filter((m) => m.memberStatus === 'active').length;

async function ownerRef(em: EntityManager, phone: string | null | undefined) {
  // owner_phone_number references usuarios.phoneNumber: only people we know can be linked.
  if (!phone) return null;
  return em.findOne(Usuario, { phoneNumber: phone });
}

export async function upsertGroup(em: EntityManager, info: GroupInfo, now: Date): Promise<IWhatsappGroup> {
  const r = await loadRoster(em, info.jid, now);
  const g = r.group;
  if (info.subject) g.groupName = info.subject.slice(0, 255);
  if (info.subjectTime) g.groupSubjectTimestamp = info.subjectTime;
  if (info.description !== undefined) g.groupDescription = info.description;
  if (info.creation) g.groupCreationDate = info.creation;
  if (info.ownerPhone) g.owner = (await ownerRef(em, info.ownerPhone)) as never;
  g.isActive = true;
  g.syncStatus = 'synced';
  g.lastSync = now;
  if (info.participants) {
    const present = new Set<IWhatsappGroupMember>();
    for (const p of info.participants) {
      const m = activate(em, r, p, now);
      setAdmin(m, p.admin);
      present.add(m);
    }
    for (const m of r.byKey.values()) {
      if (m.memberStatus === 'active' && !present.has(m)) {
        m.memberStatus = 'left';
        m.leftDate = now;
      }
    }
    g.totalMembers = activeCount(r);
  } else if (info.size != null) {
    g.totalMembers = info.size;
  }
  await em.flush();
  return g;
}

export async function applyGroupUpsert(em: EntityManager, e: GroupUpserted): Promise<void> {
  for (const info of e.groups) await upsertGroup(em, info, e.timestamp);
  if (e.fullSync) {
    const jids = e.groups.map((g) => g.jid);
    // Groups missing from a full sync are ones this account has left.
    await em.nativeUpdate(WhatsappGroup, (jids.length ? { groupId: { $nin: jids }, isActive: true } : { isActive: true }) as never, { isActive: false, updatedAt: e.timestamp });
  }
}

export async function applyGroupUpdate(em: EntityManager, e: GroupUpdated): Promise<void> {
  const r = await loadRoster(em, e.jid, e.timestamp);
  if (e.subject) {
    r.group.groupName = e.subject.slice(0, 255);
    r.group.groupSubjectTimestamp = e.timestamp;
  }
  if (e.description !== undefined) r.group.groupDescription = e.description ?? null;
  await em.flush();
}

/** Whether the author of a participant event is that participant (they left by themselves). */
function isSelf(author: string | null | undefined, p: GroupParticipant): boolean {
  if (!author) return false;
  return author === p.phone || author === p.jid || (p.lid != null && (author === p.lid || author === lidJid(p.lid)));
}

export async function applyParticipants(em: EntityManager, e: GroupParticipantsChanged): Promise<void> {
  const r = await loadRoster(em, e.jid, e.timestamp);
  for (const p of e.participants) {
    if (e.action === 'add') {
      const m = activate(em, r, p, e.timestamp);
      m.joinedDate = e.timestamp;
      setAdmin(m, p.admin ?? null);
    } else if (e.action === 'remove') {
      const m = findMember(r, p) ?? activate(em, r, p, e.timestamp);
      m.memberStatus = isSelf(e.author, p) ? 'left' : 'removed';
      m.leftDate = e.timestamp;
      m.isAdmin = false;
      m.isSuperadmin = false;
    } else if (e.action === 'promote' || e.action === 'demote') {
      const m = findMember(r, p) ?? activate(em, r, p, e.timestamp);
      m.isAdmin = e.action === 'promote';
      if (e.action === 'demote') m.isSuperadmin = false;
    }
    // 'modify' (a participant's id changed between LID and phone): the next sync records it.
  }
  r.group.totalMembers = activeCount(r);
  await em.flush();
}
