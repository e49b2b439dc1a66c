import type { EntityManager } from '@mikro-orm/sql';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { withEm, type Orm } from '../../db/orm.ts';
import type { Clock } from '../../shared/clock.ts';
import { AppError, ConflictError, NotFoundError, ValidationError, isAppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import { WhatsappGroupClienteMapping, type IWhatsappGroupClienteMapping } from './whatsapp-group-cliente-mapping.entity.ts';
import { Usuario, type IUsuario } from '../identity/usuario.entity.ts';
import { createCounterSubscriber, countUncounted } from './counters.ts';
import { ensurePrimary, refreshParents, type RelationshipType } from './mapping.ts';
import { findGroup, type GroupRef } from './group-lookup.ts';
import { buildParticipation, type GroupParticipation } from './participation.ts';
import { groupDetails, listGroups, memberHistory } from './group-queries.ts';
export type { GroupDetails, GroupListItem, HistoryEntry } from './group-queries.ts';
import { isPostgres, lockGroups, num, rawAll, rawRun, toDate } from './sql.ts';
import { withoutNul } from '../messaging/storable.ts';
import type { DomainEvent } from '../../transport/events.ts';

/**
 * The groups module's service (PRD phase 3): `syncWhatsAppGroups()`, `mapGroupToClient()`,
 * `getClientGroups()`, plus what the `/grupo` and `/reporte grupo` commands read. Sync itself
 * belongs to the transport; this service reaches it through `groupSync` (see services.ts), so
 * the domain never imports a transport implementation.
 */

/** Fetches every group from WhatsApp now and writes it through ingest (the transport's seam). */
export type GroupSyncFn = () => Promise<{ groups: number }>;

export interface GroupsDeps {
  config: Config;
  logger: Logger;
  orm: Orm;
  clock: Clock;
  ingest: { subscribe(fn: (e: DomainEvent) => void): () => void };
  /** The transport's group sync, when a WhatsApp connection (live or replay) is up. */
  groupSync(): GroupSyncFn | null;
}

export interface ClientGroup extends GroupRef {
  relationship: RelationshipType;
  purpose: string | null;
  isPrimary: boolean;
  messageCount: number;
  lastMessageAt: Date | null;
  /** The client's own membership in the group now (null: not a member). */
  memberStatus: string | null;
}

export interface MapOptions {
  relationshipType?: RelationshipType;
  purpose?: string | null;
  /** Make this the client's primary group for the relationship type. */
  primary?: boolean;
  em?: EntityManager;
}

export function createGroupsService(deps: GroupsDeps) {
  const now = () => deps.clock.now();
  const log = deps.logger.child({ module: 'groups' });
  const counters = createCounterSubscriber({ orm: deps.orm, logger: deps.logger, now });
  deps.ingest.subscribe(counters.onEvent);
  const tx = <T>(em: EntityManager | undefined, fn: (em: EntityManager) => Promise<T>): Promise<T> =>
    em ? em.transactional((inner) => fn(inner as unknown as EntityManager)) : withEm(deps.orm, (e) => e.transactional((inner) => fn(inner as unknown as EntityManager)));
  const read = <T>(em: EntityManager | undefined, fn: (em: EntityManager) => Promise<T>): Promise<T> => (em ? fn(em) : withEm(deps.orm, fn));

  const clientOf = async (em: EntityManager, clienteId: number): Promise<IUsuario> => {
    const user = await em.findOne(Usuario, { id: clienteId });
    if (!user) throw new NotFoundError(t('groups.client_not_found', { id: clienteId }), 'CLIENT_NOT_FOUND');
    return user;
  };

  const service = {
    findGroup: (em: EntityManager, query: string) => findGroup(em, query),

    /**
     * PRD `syncWhatsAppGroups()`: asks the transport for every group now; groups, members,
     * history and automatic mappings are written by the ingest pipeline in one transaction.
     */
    async syncWhatsAppGroups(): Promise<{ groups: number; active: number; members: number; mappings: number }> {
      const sync = deps.groupSync();
      if (!sync) throw new ConflictError(t('groups.sync_unavailable'), 'WHATSAPP_NOT_CONNECTED');
      let groups: number;
      try {
        ({ groups } = await sync());
      } catch (err) {
        if (isAppError(err) && err.code === 'TRANSPORT_UNAVAILABLE') throw new ConflictError(t('groups.sync_unavailable'), 'WHATSAPP_NOT_CONNECTED');
        log.warn({ err }, 'group sync on demand failed');
        throw new AppError('GROUP_SYNC_FAILED', t('groups.sync_failed'), 503);
      }
      await counters.idle();
      const [row] = await withEm(deps.orm, (em) =>
        rawAll<Record<string, unknown>>(
          em,
          `select (select count(*) from whatsapp_groups where is_active = ?) as active,
                  (select count(*) from whatsapp_group_members m join whatsapp_groups g on g.group_id = m.group_id where g.is_active = ? and m.member_status = 'active') as members,
                  (select count(*) from whatsapp_group_cliente_mapping) as mappings`,
          [true, true],
        ),
      );
      return { groups, active: num(row?.active), members: num(row?.members), mappings: num(row?.mappings) };
    },

    /**
     * PRD `mapGroupToClient(groupId, clienteId)`: links (or re-types) a group and a client.
     * Default type `member`. `primary` moves the client's primary group of that type here;
     * otherwise the first group of a type becomes primary by itself.
     */
    mapGroupToClient(groupId: string, clienteId: number, opts: MapOptions = {}): Promise<{ mapping: IWhatsappGroupClienteMapping; created: boolean; previous: RelationshipType | null }> {
      const type = opts.relationshipType ?? 'member';
      const purpose = typeof opts.purpose === 'string' ? withoutNul(opts.purpose) : opts.purpose;
      return tx(opts.em, async (em) => {
        await lockGroups(em, [groupId]);
        if (isPostgres(em)) await rawAll(em, 'select id from usuarios where id = ? for update', [clienteId]);
        await clientOf(em, clienteId);
        const [group] = await rawAll<{ group_id: string }>(em, 'select group_id from whatsapp_groups where group_id = ?', [groupId]);
        if (!group) throw new NotFoundError(t('groups.not_found', { query: groupId }), 'GROUP_NOT_FOUND');
        const at = now();
        let mapping = await em.findOne(WhatsappGroupClienteMapping, { cliente: clienteId, group: groupId });
        const previous = mapping?.relationshipType ?? null;
        if (!mapping) {
          const [totals] = await rawAll<{ n: unknown; last: unknown }>(
            em,
            'select count(*) as n, max(message_timestamp) as last from whatsapp_group_messages_log where group_id = ? and mapping_counted = ?',
            [groupId, true],
          );
          mapping = em.create(WhatsappGroupClienteMapping, {
            cliente: clienteId, group: groupId, relationshipType: type, purpose: purpose ?? null,
            messageCount: num(totals?.n), lastMessageDate: toDate(totals?.last), isPrimary: false, createdAt: at, updatedAt: at,
          } as never) as IWhatsappGroupClienteMapping;
        } else {
          if (previous !== type) mapping.isPrimary = false;
          mapping.relationshipType = type;
          if (purpose !== undefined) mapping.purpose = purpose;
        }
        await em.flush();
        if (opts.primary) {
          await rawRun(em, 'update whatsapp_group_cliente_mapping set is_primary = ?, updated_at = ? where cliente_id = ? and relationship_type = ? and mapping_id <> ?', [false, at, clienteId, type, mapping.mappingId]);
          await rawRun(em, 'update whatsapp_group_cliente_mapping set is_primary = ? where mapping_id = ?', [true, mapping.mappingId]);
        }
        await ensurePrimary(em, [clienteId], at);
        await refreshParents(em, [groupId]);
        await em.refresh(mapping);
        return { mapping, created: previous === null, previous };
      });
    },

    /**
     * Removes a client's link to a group. An automatic link (owner or member) whose reason still
     * holds would come back with the next sync, so it is refused with an explanation.
     */
    unmapGroupFromClient(groupId: string, clienteId: number, opts: { em?: EntityManager } = {}): Promise<RelationshipType> {
      return tx(opts.em, async (em) => {
        await lockGroups(em, [groupId]);
        const client = await clientOf(em, clienteId);
        const mapping = await em.findOne(WhatsappGroupClienteMapping, { cliente: clienteId, group: groupId });
        if (!mapping) throw new NotFoundError(t('groups.not_mapped', { phone: client.phoneNumber }), 'NOT_MAPPED');
        if (client.userType === 'client' && (mapping.relationshipType === 'owner' || mapping.relationshipType === 'member')) {
          const [still] = await rawAll<{ n: unknown }>(
            em,
            `select count(*) as n from whatsapp_groups g where g.group_id = ? and (g.owner_phone_number = ? or exists (
               select 1 from whatsapp_group_members m where m.group_id = g.group_id and m.member_status = 'active' and (m.member_phone_number = ? or (m.member_lid is not null and m.member_lid = ?))))`,
            [groupId, client.phoneNumber, client.phoneNumber, client.lid ?? ''],
          );
          if (num(still?.n)) throw new ConflictError(t('groups.unmap_automatic', { phone: client.phoneNumber }), 'AUTOMATIC_MAPPING');
        }
        const type = mapping.relationshipType;
        em.remove(mapping);
        await em.flush();
        await ensurePrimary(em, [clienteId], now());
        await refreshParents(em, [groupId]);
        return type;
      });
    },

    /** PRD `getClientGroups(clienteId)`: every group of a client, with relationship and activity. */
    getClientGroups(clienteId: number, opts: { em?: EntityManager } = {}): Promise<ClientGroup[]> {
      return read(opts.em, async (em) => {
        const user = await clientOf(em, clienteId);
        const rows = await rawAll<Record<string, unknown>>(
          em,
          `select g.group_id, g.group_name, g.is_active, x.relationship_type, x.purpose, x.is_primary, x.message_count, x.last_message_date,
                  (select m.member_status from whatsapp_group_members m where m.group_id = g.group_id and (m.member_phone_number = ? or (m.member_lid is not null and m.member_lid = ?)) limit 1) as member_status
             from whatsapp_group_cliente_mapping x join whatsapp_groups g on g.group_id = x.group_id
            where x.cliente_id = ?
            order by case x.relationship_type when 'owner' then 0 when 'member' then 1 when 'target_audience' then 2 else 3 end, x.is_primary desc, g.group_name`,
          [user.phoneNumber, user.lid ?? '', clienteId],
        );
        return rows.map((r) => ({
          groupId: r.group_id as string, name: r.group_name as string, isActive: Boolean(num(r.is_active)),
          relationship: r.relationship_type as RelationshipType, purpose: (r.purpose as string | null) ?? null, isPrimary: Boolean(num(r.is_primary)),
          messageCount: num(r.message_count), lastMessageAt: toDate(r.last_message_date), memberStatus: (r.member_status as string | null) ?? null,
        }));
      });
    },

    listGroups: (em: EntityManager, opts: { all: boolean; limit: number }) => listGroups(em, now(), opts),
    groupDetails: (em: EntityManager, ref: GroupRef) => groupDetails(em, now(), ref),
    memberHistory,

    participation(em: EntityManager, group: GroupRef, from: Date, to: Date): Promise<GroupParticipation> {
      if (to.getTime() <= from.getTime()) throw new ValidationError(t('groups.report_range'));
      return buildParticipation(em, group, from, to, deps.config.TZ);
    },

    /** Counts group messages the live counters missed (after a crash); also runs after every full sync. */
    catchUpCounters: () => countUncounted(deps.orm, now),
    /** Waits for pending counter updates (tests, shutdown). */
    idle: () => counters.idle(),
  };
  return service;
}

export type GroupsService = ReturnType<typeof createGroupsService>;
