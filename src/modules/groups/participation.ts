import type { EntityManager } from '@mikro-orm/sql';
import type { MemberAction } from './whatsapp-group-member-event.entity.ts';
import type { GroupRef } from './group-lookup.ts';
import { epochMs, num, rawAll, toDate } from './sql.ts';

/**
 * UC-203: who takes part in a group over a period, computed set-based in SQL (the log is never
 * loaded into JavaScript): messages per member and type, active vs silent members, busiest
 * hours in the configured time zone, joins and leaves. The period is [from, to).
 *
 * - Messages are the members' own: the bot's (this account's) messages are counted apart.
 * - Members of the period: whoever was in the group at any moment of it (their current stint
 *   overlaps it, or their history has an entry inside it), plus anyone who wrote in it.
 *   Active = wrote at least one message; silent = member of the period who wrote none.
 */

export const GROUP_MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'reaction'] as const;
export type GroupMessageType = (typeof GROUP_MESSAGE_TYPES)[number];

export interface MemberParticipation {
  /** Phone digits (or `lid:<digits>`); null for messages whose sender WhatsApp did not name. */
  phone: string | null;
  name: string | null;
  role: 'superadmin' | 'admin' | 'member' | null;
  /** The member row's status now (null: wrote but is not in the member list). */
  status: string | null;
  messages: number;
  byType: Record<GroupMessageType, number>;
  firstAt: Date | null;
  lastAt: Date | null;
}

export interface Movement {
  at: Date;
  action: MemberAction;
  phone: string;
  name: string | null;
  actor: string | null;
  source: 'event' | 'sync';
}

export interface GroupParticipation {
  group: GroupRef;
  from: Date;
  to: Date;
  timeZone: string | undefined;
  totals: { messages: number; botMessages: number; members: number; active: number; silent: number; joins: number; leaves: number; removals: number };
  /** Most messages first; silent members last. */
  members: MemberParticipation[];
  byType: Array<{ type: GroupMessageType; messages: number }>;
  /** Messages per local hour of the day, 0–23. */
  hours: number[];
  /** Joins, leaves, removals, promotions and demotions in the period, oldest first. */
  movements: Movement[];
}

const MAX_MOVEMENTS = 500;

/**
 * Offsets of `timeZone` over [from, to) as segments: [until, offsetMs]. A period crosses a
 * daylight-saving change at most a few times, so the hour-of-day CASE stays short.
 */
export function offsetSegments(from: Date, to: Date, timeZone: string | undefined): Array<{ until: number; offset: number }> {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  const offsetAt = (ms: number) => {
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000;
  };
  const step = 6 * 3_600_000;
  const segments: Array<{ until: number; offset: number }> = [];
  const start = from.getTime();
  let current = offsetAt(start);
  for (let t = start + step; t < to.getTime() + step; t += step) {
    const probe = Math.min(t, to.getTime());
    if (offsetAt(probe) === current) continue;
    // Binary search, in whole seconds, for the first second with the new offset.
    let lo = Math.floor((probe - step) / 1000);
    let hi = Math.ceil(probe / 1000);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetAt(mid * 1000) === current) lo = mid;
      else hi = mid;
    }
    hi *= 1000;
    segments.push({ until: hi, offset: current });
    current = offsetAt(hi);
  }
  segments.push({ until: Number.MAX_SAFE_INTEGER, offset: current });
  return segments;
}

export async function buildParticipation(em: EntityManager, group: GroupRef, from: Date, to: Date, timeZone?: string): Promise<GroupParticipation> {
  const inPeriod = 'group_id = ? and message_timestamp >= ? and message_timestamp < ?';
  const period = [group.groupId, from, to];
  const typeSums = GROUP_MESSAGE_TYPES.map((ty) => `sum(case when message_type = '${ty}' then 1 else 0 end) as t_${ty}`).join(', ');
  const typeCols = GROUP_MESSAGE_TYPES.map((ty) => `c.t_${ty}`).join(', ');

  const memberRows = await rawAll<Record<string, unknown>>(
    em,
    `with counts as (
       select sender_phone_number as phone, max(sender_name) as name, count(*) as n, ${typeSums},
              min(message_timestamp) as first_at, max(message_timestamp) as last_at
       from whatsapp_group_messages_log where ${inPeriod} and is_bot_message = ?
       group by sender_phone_number
     ), present as (
       select m.member_phone_number as phone, coalesce(m.member_name, u.nombre) as name, m.is_admin, m.is_superadmin, m.member_status
       from whatsapp_group_members m left join usuarios u on u."phoneNumber" = m.member_phone_number
       where m.group_id = ?
         and ((coalesce(m.joined_date, m.created_at) < ? and (m.left_date is null or m.left_date >= ?) and (m.member_status = 'active' or m.left_date is not null))
              or exists (select 1 from whatsapp_group_member_events e where e.membership_id = m.membership_id and e.event_timestamp >= ? and e.event_timestamp < ?))
     )
     select p.phone, coalesce(c.name, p.name) as name, p.is_admin, p.is_superadmin, p.member_status, coalesce(c.n, 0) as n, ${typeCols}, c.first_at, c.last_at
       from present p left join counts c on c.phone = p.phone
     union all
     select c.phone, c.name, null, null, null, c.n, ${typeCols}, c.first_at, c.last_at
       from counts c where c.phone is null or not exists (select 1 from present p where p.phone = c.phone)
     order by 6 desc, 1`,
    [...period, false, group.groupId, to, from, from, to],
  );
  const members: MemberParticipation[] = memberRows.map((r) => ({
    phone: (r.phone as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    role: r.member_status == null ? null : num(r.is_superadmin) ? 'superadmin' : num(r.is_admin) ? 'admin' : 'member',
    status: (r.member_status as string | null) ?? null,
    messages: num(r.n),
    byType: Object.fromEntries(GROUP_MESSAGE_TYPES.map((ty) => [ty, num(r[`t_${ty}`])])) as Record<GroupMessageType, number>,
    firstAt: toDate(r.first_at),
    lastAt: toDate(r.last_at),
  }));

  const typeRows = await rawAll<{ message_type: GroupMessageType; n: unknown }>(
    em,
    `select message_type, count(*) as n from whatsapp_group_messages_log where ${inPeriod} and is_bot_message = ? group by message_type order by 2 desc, 1`,
    [...period, false],
  );
  const [bot] = await rawAll<{ n: unknown }>(em, `select count(*) as n from whatsapp_group_messages_log where ${inPeriod} and is_bot_message = ?`, [...period, true]);

  // Local hour = (epoch ms + the zone's offset at that instant) / 1 h mod 24, offsets by segment.
  const segments = offsetSegments(from, to, timeZone);
  const offsetCase = segments.length === 1
    ? 'cast(? as bigint)'
    : `case ${segments.slice(0, -1).map(() => 'when message_timestamp < ? then cast(? as bigint)').join(' ')} else cast(? as bigint) end`;
  const offsetParams = segments.length === 1 ? [segments[0]!.offset] : [...segments.slice(0, -1).flatMap((s) => [new Date(s.until), s.offset]), segments.at(-1)!.offset];
  const hourRows = await rawAll<{ h: unknown; n: unknown }>(
    em,
    `select h, count(*) as n from (select ((${epochMs(em, 'message_timestamp')} + ${offsetCase}) / 3600000) % 24 as h
       from whatsapp_group_messages_log where ${inPeriod} and is_bot_message = ?) x group by h`,
    [...offsetParams, ...period, false],
  );
  const hours = Array.from({ length: 24 }, () => 0);
  for (const r of hourRows) hours[num(r.h)] = num(r.n);

  const moveRows = await rawAll<Record<string, unknown>>(
    em,
    `select e.event_timestamp, e.action, e.member_phone_number, coalesce(m.member_name, u.nombre) as member_name, e.actor_phone_number, e.source
       from whatsapp_group_member_events e join whatsapp_group_members m on m.membership_id = e.membership_id
       left join usuarios u on u."phoneNumber" = e.member_phone_number
      where e.group_id = ? and e.event_timestamp >= ? and e.event_timestamp < ?
      order by e.event_timestamp, e.event_id limit ${MAX_MOVEMENTS}`,
    period,
  );
  const countRows = await rawAll<{ action: MemberAction; n: unknown }>(
    em,
    'select action, count(*) as n from whatsapp_group_member_events where group_id = ? and event_timestamp >= ? and event_timestamp < ? group by action',
    period,
  );
  const actions = Object.fromEntries(countRows.map((r) => [r.action, num(r.n)])) as Partial<Record<MemberAction, number>>;

  const inGroup = members.filter((m) => m.status !== null);
  return {
    group,
    from,
    to,
    timeZone,
    totals: {
      messages: members.reduce((s, m) => s + m.messages, 0),
      botMessages: num(bot?.n),
      members: inGroup.length,
      active: members.filter((m) => m.messages > 0).length,
      silent: inGroup.filter((m) => m.messages === 0).length,
      joins: actions.join ?? 0,
      leaves: actions.leave ?? 0,
      removals: actions.remove ?? 0,
    },
    members,
    byType: typeRows.map((r) => ({ type: r.message_type, messages: num(r.n) })),
    hours,
    movements: moveRows.map((r) => ({
      at: toDate(r.event_timestamp)!,
      action: r.action as MemberAction,
      phone: r.member_phone_number as string,
      name: (r.member_name as string | null) ?? null,
      actor: (r.actor_phone_number as string | null) ?? null,
      source: r.source as 'event' | 'sync',
    })),
  };
}
