import type { EntityManager } from '@mikro-orm/sql';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { isPostgres, rawAll } from './sql.ts';
import { withoutNul } from '../messaging/storable.ts';

/**
 * How staff name a group in commands: its JID (`120363…@g.us`), its id (the JID without
 * `@g.us`, as `/grupo lista` shows it) or the start of its subject. A subject prefix must be
 * unique — an exact subject wins over longer ones — otherwise the candidates are listed.
 */

export interface GroupRef {
  groupId: string;
  name: string;
  isActive: boolean;
}

const MAX_CANDIDATES = 8;

/** The id shown to people: the JID's user part. */
export const shortId = (jid: string): string => jid.replace(/@g\.us$/, '');

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

export async function findGroup(em: EntityManager, query: string): Promise<GroupRef> {
  // A NUL would cut the statement on SQLite (values are inlined) and is refused by PostgreSQL.
  const q = withoutNul(query).trim();
  if (!q) throw new ValidationError(t('admin.args.missing', { name: 'grupo' }));
  const asRef = (r: { group_id: string; group_name: string; is_active: unknown }): GroupRef => ({ groupId: r.group_id, name: r.group_name, isActive: Boolean(r.is_active) });
  // A JID, or an id (digits, optionally the old `<creator>-<time>` form).
  if (q.includes('@') || /^\d[\d-]{4,}$/.test(q)) {
    const jid = q.includes('@') ? q.toLowerCase() : `${q}@g.us`;
    const rows = await rawAll<{ group_id: string; group_name: string; is_active: unknown }>(em, 'select group_id, group_name, is_active from whatsapp_groups where group_id = ? or group_jid = ?', [jid, jid]);
    if (rows[0]) return asRef(rows[0]);
    if (q.includes('@')) throw new NotFoundError(t('groups.not_found', { query: q.slice(0, 60) }), 'GROUP_NOT_FOUND');
  }
  // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE any case.
  const like = isPostgres(em) ? 'ilike' : 'like';
  const rows = await rawAll<{ group_id: string; group_name: string; is_active: unknown }>(
    em,
    `select group_id, group_name, is_active from whatsapp_groups where group_name ${like} ? escape '\\' order by is_active desc, group_name limit ${MAX_CANDIDATES + 1}`,
    [`${escapeLike(q)}%`],
  );
  if (rows.length === 1) return asRef(rows[0]!);
  const exact = rows.filter((r) => fold(r.group_name) === fold(q));
  if (exact.length === 1) return asRef(exact[0]!);
  if (!rows.length) throw new NotFoundError(t('groups.not_found', { query: q.slice(0, 60) }), 'GROUP_NOT_FOUND');
  const lines = rows.slice(0, MAX_CANDIDATES).map((r) => t('groups.candidate', { name: r.group_name, id: shortId(r.group_id) }));
  if (rows.length > MAX_CANDIDATES) lines.push(t('groups.candidates_more'));
  throw new ValidationError(t('groups.ambiguous', { query: q.slice(0, 60), candidates: lines.join('\n') }), undefined, 'GROUP_AMBIGUOUS');
}
