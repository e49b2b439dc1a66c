import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { WhatsappGroupClienteMapping, type IWhatsappGroupClienteMapping } from './whatsapp-group-cliente-mapping.entity.ts';
import { insertIgnore } from '../messaging/bulk-insert.ts';
import { inChunks, lockGroups, marks, rawAll, rawRun, toDate, num } from './sql.ts';

/**
 * Groups ↔ clients (`whatsapp_group_cliente_mapping`). Sync maps known clients by itself: the
 * group's WhatsApp owner gets an `owner` row, other active members a `member` row (a `member`
 * row becomes `owner` when that client turns out to own the group; staff-chosen types are never
 * overwritten). `whatsapp_groups.parent_cliente_id` is the primary owner client: the WhatsApp
 * owner's client when it has an owner row, else the oldest owner row. Each client has at most
 * one primary group per relationship type; the first group of a type becomes primary, and
 * staff can move it. A new mapping starts with the group's counted messages, and counters.ts
 * adds each new message after that.
 */

export type RelationshipType = IWhatsappGroupClienteMapping['relationshipType'];
export const RELATIONSHIP_TYPES: readonly RelationshipType[] = ['owner', 'member', 'target_audience', 'support_group'];

const CHUNK = 500;

/** Counted messages per group (what a new mapping starts from). */
async function countedTotals(em: EntityManager, groupIds: string[]): Promise<Map<string, { count: number; last: Date | null }>> {
  const out = new Map<string, { count: number; last: Date | null }>();
  await inChunks(groupIds, CHUNK, async (ids) => {
    const rows = await rawAll<{ group_id: string; n: unknown; last: unknown }>(
      em,
      `select group_id, count(*) as n, max(message_timestamp) as last from whatsapp_group_messages_log where mapping_counted = ? and group_id in (${marks(ids.length)}) group by group_id`,
      [true, ...ids],
    );
    for (const r of rows) out.set(r.group_id, { count: num(r.n), last: toDate(r.last) });
  });
  return out;
}

/** Marks the oldest mapping of each (client, type) primary where that pair has none. */
export async function ensurePrimary(em: EntityManager, clientIds: number[], now: Date): Promise<void> {
  await inChunks([...new Set(clientIds)], CHUNK, (ids) =>
    rawRun(
      em,
      `update whatsapp_group_cliente_mapping set is_primary = ?, updated_at = ? where mapping_id in (
         select (select m2.mapping_id from whatsapp_group_cliente_mapping m2
                 where m2.cliente_id = m.cliente_id and m2.relationship_type = m.relationship_type
                 order by m2.created_at, m2.group_id limit 1)
         from whatsapp_group_cliente_mapping m
         where m.cliente_id in (${marks(ids.length)})
         group by m.cliente_id, m.relationship_type
         having max(case when m.is_primary then 1 else 0 end) = 0)`,
      [true, now, ...ids],
    ),
  );
}

/** Recomputes `parent_cliente_id` of these groups from their owner rows. */
export async function refreshParents(em: EntityManager, groupIds: string[]): Promise<void> {
  await inChunks([...new Set(groupIds)], CHUNK, (ids) =>
    rawRun(
      em,
      `update whatsapp_groups set parent_cliente_id = (
         select m.cliente_id from whatsapp_group_cliente_mapping m join usuarios u on u.id = m.cliente_id
         where m.group_id = whatsapp_groups.group_id and m.relationship_type = 'owner'
         order by case when u."phoneNumber" = whatsapp_groups.owner_phone_number then 0 else 1 end, m.created_at, m.mapping_id
         limit 1)
       where group_id in (${marks(ids.length)})`,
      ids,
    ),
  );
}

/** Automatic mapping after a sync or a join: known clients among the owners and active members. */
export async function autoMapGroups(em: EntityManager, groupIds: string[], now: Date): Promise<void> {
  const all = [...new Set(groupIds)];
  if (!all.length) return;
  await lockGroups(em, all);
  const clients = new Set<number>();
  await inChunks(all, CHUNK, async (ids) => {
    const inList = marks(ids.length);
    // Owner first: a client who owns the group gets `owner`, not `member`.
    const candidates = await rawAll<{ cliente_id: unknown; group_id: string; owner: unknown }>(
      em,
      `select u.id as cliente_id, g.group_id, 1 as owner from whatsapp_groups g join usuarios u on u."phoneNumber" = g.owner_phone_number
         where g.group_id in (${inList}) and u.user_type = 'client'
       union
       select u.id, m.group_id, 0 from whatsapp_group_members m join usuarios u on u."phoneNumber" = m.member_phone_number
         where m.group_id in (${inList}) and m.member_status = 'active' and u.user_type = 'client'
       union
       select u.id, m.group_id, 0 from whatsapp_group_members m join usuarios u on u.lid = m.member_lid
         where m.group_id in (${inList}) and m.member_status = 'active' and u.user_type = 'client'`,
      [...ids, ...ids, ...ids],
    );
    if (!candidates.length) return;
    const existing = await rawAll<{ cliente_id: unknown; group_id: string; relationship_type: string }>(
      em,
      `select cliente_id, group_id, relationship_type from whatsapp_group_cliente_mapping where group_id in (${inList})`,
      ids,
    );
    const have = new Map(existing.map((e) => [`${num(e.cliente_id)}|${e.group_id}`, e.relationship_type]));
    const owners = new Set(candidates.filter((c) => num(c.owner) === 1).map((c) => `${num(c.cliente_id)}|${c.group_id}`));
    const totals = await countedTotals(em, [...new Set(candidates.map((c) => c.group_id))]);
    const rows: Record<string, unknown>[] = [];
    const upgrade: Array<[number, string]> = [];
    const seen = new Set<string>();
    for (const c of candidates) {
      const id = num(c.cliente_id);
      const key = `${id}|${c.group_id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const type = owners.has(key) ? 'owner' : 'member';
      const current = have.get(key);
      if (current === undefined) {
        const t = totals.get(c.group_id);
        rows.push({ mappingId: randomUUID(), cliente: id, group: c.group_id, relationshipType: type, purpose: null, messageCount: t?.count ?? 0, lastMessageDate: t?.last ?? null, isPrimary: false, createdAt: now, updatedAt: now });
        clients.add(id);
      } else if (current === 'member' && type === 'owner') {
        upgrade.push([id, c.group_id]);
        clients.add(id);
      }
    }
    await insertIgnore(em, WhatsappGroupClienteMapping, rows, null);
    for (const [id, group] of upgrade) {
      await rawRun(em, `update whatsapp_group_cliente_mapping set relationship_type = 'owner', is_primary = ?, updated_at = ? where cliente_id = ? and group_id = ? and relationship_type = 'member'`, [false, now, id, group]);
    }
  });
  if (clients.size) await ensurePrimary(em, [...clients], now);
  await refreshParents(em, all);
}
