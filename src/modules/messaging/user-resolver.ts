import type { EntityManager } from '@mikro-orm/sql';
import { Usuario } from '../identity/usuario.entity.ts';
import { ensureUsers } from '../identity/identity.service.ts';
import type { MessageReceived } from '../../transport/events.ts';
import { withoutNul } from './storable.ts';

/**
 * Resolves the counterpart of each 1:1 message to one `usuarios` row, in bulk: one query loads
 * everyone the batch mentions (by phone or LID) as plain rows, first contacts are created
 * together through `ensureUsers` (least-privilege `client` role), and the batch's name and `last_message_at`
 * changes are written with a couple of set-based statements. A LID and a phone JID of the same
 * person land on one row, which keeps the LID.
 */

interface PeerRow {
  id: number;
  phoneNumber: string;
  lid: string | null;
  nombre: string | null;
  lastMessageAt: Date | null;
}

export interface ResolvedPeer {
  userId: number | null;
  phone: string | null;
  lid: string | null;
  firstContact: boolean;
}

async function loadRows(em: EntityManager, phones: string[], lids: string[]): Promise<PeerRow[]> {
  const or: object[] = [];
  if (phones.length) or.push({ phoneNumber: { $in: phones } });
  if (lids.length) or.push({ lid: { $in: lids } });
  if (!or.length) return [];
  return em
    .createQueryBuilder(Usuario)
    .select(['id', 'phoneNumber', 'lid', 'nombre', 'lastMessageAt'])
    .where({ $or: or } as never)
    .execute<PeerRow[]>('all', true);
}

export async function resolvePeers(em: EntityManager, events: MessageReceived[]): Promise<ResolvedPeer[]> {
  const phones = [...new Set(events.map((e) => e.peerPhone).filter((p): p is string => Boolean(p)))];
  const lids = [...new Set(events.map((e) => e.peerLid).filter((l): l is string => Boolean(l)))];
  const rows = await loadRows(em, phones, lids);
  const byPhone = new Map(rows.map((r) => [r.phoneNumber, r]));
  // First contacts, created together (least-privilege `client` role), named by their first message.
  const newcomers = new Map<string, string | null>();
  for (const e of events) {
    if (e.peerPhone && !byPhone.has(e.peerPhone) && !newcomers.get(e.peerPhone)) newcomers.set(e.peerPhone, e.fromMe || !e.senderName ? null : withoutNul(e.senderName).slice(0, 255));
  }
  if (newcomers.size) {
    const created = await ensureUsers(em, [...newcomers].map(([phone, nombre]) => ({ phone, nombre })));
    for (const u of created.values()) {
      rows.push({ id: u.id, phoneNumber: u.phoneNumber, lid: u.lid ?? null, nombre: u.nombre ?? null, lastMessageAt: u.lastMessageAt ?? null });
      byPhone.set(u.phoneNumber, rows.at(-1)!);
    }
  }
  const byLid = new Map(rows.filter((r) => r.lid).map((r) => [r.lid!, r]));
  const names = new Map<number, string>();
  const lastAt = new Map<number, Date>();

  const out: ResolvedPeer[] = [];
  for (const e of events) {
    let phone = e.peerPhone ?? null;
    const lid = e.peerLid ?? null;
    let row: PeerRow | null = null;
    if (phone) {
      row = byPhone.get(phone) ?? null;
      if (row && lid && row.lid !== lid) await attachLid(em, row, lid, byLid);
    } else if (lid) {
      row = byLid.get(lid) ?? null;
      phone = row?.phoneNumber ?? null;
    }
    let firstContact = false;
    if (row && !e.fromMe) {
      if (e.senderName && row.nombre !== e.senderName) {
        row.nombre = e.senderName;
        names.set(row.id, withoutNul(e.senderName).slice(0, 255));
      }
      firstContact = !row.lastMessageAt;
      if (!row.lastMessageAt || row.lastMessageAt < e.timestamp) {
        row.lastMessageAt = e.timestamp;
        lastAt.set(row.id, e.timestamp);
      }
    }
    out.push({ userId: row?.id ?? null, phone, lid: lid ?? row?.lid ?? null, firstContact });
  }

  for (const [id, nombre] of names) await em.nativeUpdate(Usuario, { id }, { nombre, updatedAt: new Date() });
  await touchLastMessage(em, lastAt);
  return out;
}

/** One statement for the whole batch; never moves `last_message_at` backwards. */
async function touchLastMessage(em: EntityManager, lastAt: Map<number, Date>): Promise<void> {
  if (!lastAt.size) return;
  const platform = em.getPlatform();
  const entries = [...lastAt];
  // Typed parameter: PostgreSQL reads an untyped CASE branch as text (SQLite: numeric affinity, a no-op).
  const ts = `cast(? as ${platform.getDateTimeTypeDeclarationSQL({ length: 0 })})`;
  const whens = entries.map(() => `when ? then ${ts}`).join(' ');
  const pairs = entries.flatMap(([id, at]) => [id, platform.processDateProperty(at)]);
  const sql =
    `update "usuarios" set "last_message_at" = case when "last_message_at" is null or "last_message_at" < (case "id" ${whens} end) ` +
    `then (case "id" ${whens} end) else "last_message_at" end where "id" in (${entries.map(() => '?').join(', ')})`;
  // Inside the caller's transaction (SQLite has one connection: outside it, this would wait forever).
  await em.getConnection().execute(sql, [...pairs, ...pairs, ...entries.map(([id]) => id)], 'run', em.getTransactionContext());
}

/** Gives the person the LID, taking it from any other row first (LIDs are unique per person). */
async function attachLid(em: EntityManager, row: PeerRow, lid: string, byLid: Map<string, PeerRow>): Promise<void> {
  const holder = byLid.get(lid);
  if (holder && holder !== row) holder.lid = null;
  await em.nativeUpdate(Usuario, { lid, id: { $ne: row.id } } as never, { lid: null });
  await em.nativeUpdate(Usuario, { id: row.id }, { lid });
  row.lid = lid;
  byLid.set(lid, row);
}
