import type { EntityManager } from '@mikro-orm/sql';
import type { GroupRef } from './group-lookup.ts';
import type { RelationshipType } from './mapping.ts';
import type { MemberAction } from './whatsapp-group-member-event.entity.ts';
import { num, rawAll, toDate } from './sql.ts';
import type { Movement } from './participation.ts';

/** What `/grupo lista`, `/grupo ver` and `/grupo historial` read: set-based queries, one screen each. */

const RECENT_DAYS = 30;
const DAY = 86_400_000;
const MEMBER_LIST_MAX = 40;

export interface GroupListItem extends GroupRef {
  totalMembers: number | null;
  lastMessageAt: Date | null;
  recentMessages: number;
  clients: number;
}

export interface GroupMemberRow {
  phone: string;
  name: string | null;
  role: 'superadmin' | 'admin' | 'member';
  joinedAt: Date | null;
}

export interface GroupDetails extends GroupRef {
  description: string | null;
  ownerPhone: string | null;
  parentClient: { phone: string; name: string | null } | null;
  totalMembers: number | null;
  lastSync: Date | null;
  members: GroupMemberRow[];
  messages: { total: number; recent: number; last: Date | null };
  clients: Array<{ phone: string; name: string | null; relationship: RelationshipType; isPrimary: boolean }>;
}

/** One line of `/grupo historial`: the same shape as a report's movement. */
export type HistoryEntry = Movement;

export async function listGroups(em: EntityManager, now: Date, opts: { all: boolean; limit: number }): Promise<{ items: GroupListItem[]; total: number }> {
  const where = opts.all ? '' : 'where g.is_active = ?';
  const params = opts.all ? [] : [true];
  const [count] = await rawAll<{ n: unknown }>(em, `select count(*) as n from whatsapp_groups g ${where}`, params);
  const rows = await rawAll<Record<string, unknown>>(
    em,
    `select g.group_id, g.group_name, g.is_active, g.total_members,
            (select max(l.message_timestamp) from whatsapp_group_messages_log l where l.group_id = g.group_id) as last_at,
            (select count(*) from whatsapp_group_messages_log l where l.group_id = g.group_id and l.message_timestamp >= ?) as recent,
            (select count(*) from whatsapp_group_cliente_mapping x where x.group_id = g.group_id) as clients
       from whatsapp_groups g ${where}
      order by g.is_active desc, g.group_name limit ${opts.limit}`,
    [new Date(now.getTime() - RECENT_DAYS * DAY), ...params],
  );
  return {
    total: num(count?.n),
    items: rows.map((r) => ({
      groupId: r.group_id as string, name: r.group_name as string, isActive: Boolean(num(r.is_active)), totalMembers: r.total_members == null ? null : num(r.total_members),
      lastMessageAt: toDate(r.last_at), recentMessages: num(r.recent), clients: num(r.clients),
    })),
  };
}

export async function groupDetails(em: EntityManager, now: Date, ref: GroupRef): Promise<GroupDetails & { moreMembers: number }> {
  const [g] = await rawAll<Record<string, unknown>>(
    em,
    `select g.group_description, g.owner_phone_number, g.total_members, g.last_sync, u."phoneNumber" as parent_phone, u.nombre as parent_name
       from whatsapp_groups g left join usuarios u on u.id = g.parent_cliente_id where g.group_id = ?`,
    [ref.groupId],
  );
  const members = await rawAll<Record<string, unknown>>(
    em,
    `select m.member_phone_number, coalesce(m.member_name, u.nombre) as member_name, m.is_admin, m.is_superadmin, m.joined_date
       from whatsapp_group_members m left join usuarios u on u."phoneNumber" = m.member_phone_number
      where m.group_id = ? and m.member_status = 'active' order by m.is_superadmin desc, m.is_admin desc, m.joined_date, m.member_phone_number limit ${MEMBER_LIST_MAX}`,
    [ref.groupId],
  );
  const [counts] = await rawAll<Record<string, unknown>>(
    em,
    `select (select count(*) from whatsapp_group_members where group_id = ? and member_status = 'active') as active,
            (select count(*) from whatsapp_group_messages_log where group_id = ?) as total,
            (select count(*) from whatsapp_group_messages_log where group_id = ? and message_timestamp >= ?) as recent,
            (select max(message_timestamp) from whatsapp_group_messages_log where group_id = ?) as last_at`,
    [ref.groupId, ref.groupId, ref.groupId, new Date(now.getTime() - RECENT_DAYS * DAY), ref.groupId],
  );
  const clients = await rawAll<Record<string, unknown>>(
    em,
    `select u."phoneNumber" as phone, u.nombre, x.relationship_type, x.is_primary from whatsapp_group_cliente_mapping x join usuarios u on u.id = x.cliente_id
      where x.group_id = ? order by case x.relationship_type when 'owner' then 0 when 'member' then 1 when 'target_audience' then 2 else 3 end, u."phoneNumber" limit 20`,
    [ref.groupId],
  );
  return {
    ...ref,
    description: (g?.group_description as string | null) ?? null,
    ownerPhone: (g?.owner_phone_number as string | null) ?? null,
    parentClient: g?.parent_phone ? { phone: g.parent_phone as string, name: (g.parent_name as string | null) ?? null } : null,
    totalMembers: g?.total_members == null ? null : num(g.total_members),
    lastSync: toDate(g?.last_sync),
    members: members.map((m) => ({
      phone: m.member_phone_number as string, name: (m.member_name as string | null) ?? null,
      role: num(m.is_superadmin) ? 'superadmin' : num(m.is_admin) ? 'admin' : 'member', joinedAt: toDate(m.joined_date),
    })),
    moreMembers: Math.max(0, num(counts?.active) - members.length),
    messages: { total: num(counts?.total), recent: num(counts?.recent), last: toDate(counts?.last_at) },
    clients: clients.map((c) => ({ phone: c.phone as string, name: (c.nombre as string | null) ?? null, relationship: c.relationship_type as RelationshipType, isPrimary: Boolean(num(c.is_primary)) })),
  };
}

/** Membership history, oldest first: the latest `limit` entries since `since`. */
export async function memberHistory(em: EntityManager, groupId: string, opts: { since?: Date; limit: number }): Promise<{ entries: HistoryEntry[]; total: number }> {
  const where = `e.group_id = ?${opts.since ? ' and e.event_timestamp >= ?' : ''}`;
  const params = opts.since ? [groupId, opts.since] : [groupId];
  const [count] = await rawAll<{ n: unknown }>(em, `select count(*) as n from whatsapp_group_member_events e where ${where}`, params);
  const rows = await rawAll<Record<string, unknown>>(
    em,
    `select * from (select e.event_id, e.event_timestamp, e.action, e.member_phone_number, coalesce(m.member_name, u.nombre) as member_name, e.actor_phone_number, e.source
        from whatsapp_group_member_events e join whatsapp_group_members m on m.membership_id = e.membership_id
        left join usuarios u on u."phoneNumber" = e.member_phone_number
       where ${where} order by e.event_timestamp desc, e.event_id desc limit ${opts.limit}) x
     order by x.event_timestamp, x.event_id`,
    params,
  );
  return {
    total: num(count?.n),
    entries: rows.map((r) => ({
      at: toDate(r.event_timestamp)!, action: r.action as MemberAction, phone: r.member_phone_number as string,
      name: (r.member_name as string | null) ?? null, actor: (r.actor_phone_number as string | null) ?? null, source: r.source as 'event' | 'sync',
    })),
  };
}
