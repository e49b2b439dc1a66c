import { t } from '../../shared/i18n/index.ts';
import { formatDateTime } from '../admin/format.ts';
import type { IUsuario } from '../identity/usuario.entity.ts';
import { shortId, type GroupRef } from './group-lookup.ts';
import type { RelationshipType } from './mapping.ts';
import type { ClientGroup, GroupDetails, GroupListItem, HistoryEntry } from './group-crm.service.ts';

/** How `/grupo` answers read in the chat (Spanish, dates in TZ). */

export const relationLabel = (r: RelationshipType): string => t(`groups.relation.${r}`);

const person = (phone: string | null, name: string | null) => {
  const p = !phone ? '?' : phone.startsWith('lid:') ? phone : `+${phone}`;
  return name ? `${name} (${p})` : p;
};
const actorOf = (actor: string | null) => (!actor ? '' : /^\d+$/.test(actor) ? `+${actor}` : actor);
const when = (d: Date | null, tz?: string) => (d ? formatDateTime(d, tz) : t('groups.never'));

export function describeList(items: GroupListItem[], total: number, all: boolean, tz?: string): string {
  if (!items.length) return t(all ? 'groups.list_empty_all' : 'groups.list_empty');
  const lines = [t(all ? 'groups.list_title_all' : 'groups.list_title', { count: total })];
  for (const g of items) {
    lines.push(
      t('groups.list_line', {
        name: g.name,
        id: shortId(g.groupId),
        members: g.totalMembers ?? '?',
        recent: g.recentMessages,
        last: when(g.lastMessageAt, tz),
        clients: g.clients,
        inactive: g.isActive ? '' : ` ${t('groups.inactive_mark')}`,
      }),
    );
  }
  if (total > items.length) lines.push(t('groups.more', { n: total - items.length }));
  lines.push(t('groups.list_footer'));
  return lines.join('\n');
}

export function describeGroup(d: GroupDetails & { moreMembers: number }, tz?: string): string {
  const lines = [t('groups.show_title', { name: d.name, id: shortId(d.groupId), inactive: d.isActive ? '' : ` ${t('groups.inactive_mark')}` })];
  if (d.description) lines.push(t('groups.show_description', { text: d.description.slice(0, 300) }));
  lines.push(t('groups.show_owner', { owner: d.ownerPhone ? `+${d.ownerPhone}` : t('groups.unknown') }));
  if (d.parentClient) lines.push(t('groups.show_parent', { client: person(d.parentClient.phone, d.parentClient.name) }));
  lines.push('', t('groups.show_members', { count: d.members.length + d.moreMembers }));
  for (const m of d.members) lines.push(t('groups.member_line', { who: person(m.phone, m.name), role: t(`groups.role.${m.role}`), since: when(m.joinedAt, tz) }));
  if (d.moreMembers) lines.push(t('groups.more', { n: d.moreMembers }));
  lines.push('', t('groups.show_activity', { total: d.messages.total, recent: d.messages.recent, last: when(d.messages.last, tz) }));
  if (d.clients.length) {
    lines.push(t('groups.show_clients', { list: d.clients.map((c) => `${person(c.phone, c.name)} — ${relationLabel(c.relationship)}${c.isPrimary ? `, ${t('groups.primary')}` : ''}`).join('; ') }));
  }
  lines.push(t('groups.show_sync', { at: when(d.lastSync, tz) }));
  return lines.join('\n');
}

export function describeClientGroups(client: IUsuario, groups: ClientGroup[], tz?: string): string {
  const who = person(client.phoneNumber, client.nombre ?? null);
  if (!groups.length) return t('groups.client_none', { who });
  const lines = [t('groups.client_title', { who, count: groups.length })];
  for (const g of groups) {
    lines.push(
      t('groups.client_line', {
        name: g.name,
        relation: relationLabel(g.relationship),
        primary: g.isPrimary ? `, ${t('groups.primary')}` : '',
        messages: g.messageCount,
        last: when(g.lastMessageAt, tz),
        status: g.memberStatus ? t(`groups.status.${g.memberStatus}`) : t('groups.status.none'),
        inactive: g.isActive ? '' : ` ${t('groups.inactive_mark')}`,
      }) + (g.purpose ? `\n   ${t('groups.purpose', { text: g.purpose })}` : ''),
    );
  }
  return lines.join('\n');
}

export function describeHistory(group: GroupRef, entries: HistoryEntry[], total: number, since: string | null, tz?: string): string {
  if (!entries.length) return since ? t('groups.history_empty_since', { name: group.name, since }) : t('groups.history_empty', { name: group.name });
  const title = since ? t('groups.history_title_since', { name: group.name, since }) : t('groups.history_title', { name: group.name });
  const lines = [title];
  if (total > entries.length) lines.push(t('groups.history_latest', { shown: entries.length, total }));
  for (const e of entries) {
    const by = e.actor && e.actor !== e.phone ? ` ${t('groups.history_by', { actor: actorOf(e.actor) })}` : '';
    const seen = e.source === 'sync' ? ` ${t('groups.history_sync')}` : '';
    lines.push(t('groups.history_line', { at: formatDateTime(e.at, tz), who: person(e.phone, e.name), action: t(`groups.action.${e.action}`), by, seen }));
  }
  return lines.join('\n');
}
