import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbKind } from '../../src/config.ts';
import { seedAll, CHANNELS } from '../../src/db/seeds.ts';
import { PERMISSIONS, ROLES, ROLE_MATRIX } from '../../src/modules/identity/permissions.ts';
import { Usuario } from '../../src/modules/identity/usuario.entity.ts';
import { UserRole } from '../../src/modules/identity/user-role.entity.ts';
import { UserPermission } from '../../src/modules/identity/user-permission.entity.ts';
import { RolePermission } from '../../src/modules/identity/role-permission.entity.ts';
import { WhatsappGroup } from '../../src/modules/groups/whatsapp-group.entity.ts';
import { Pedido } from '../../src/modules/orders/pedido.entity.ts';
import { MessageChannel } from '../../src/modules/messaging/message-channel.entity.ts';
import { ChannelStatistic } from '../../src/modules/messaging/channel-statistic.entity.ts';
import { createTestOrm, pgAvailable, type TestOrm } from '../helpers/db.ts';
import { readdirSync } from 'node:fs';
import { migrationsPath } from '../../src/db/orm.ts';

/** Every table of the PRD, plus the extra ones MarIADono needs. */
const PRD_TABLES = [
  'usuarios', 'user_roles', 'user_permissions', 'role_permissions',
  'conversations_log', 'message_channels', 'channel_statistics',
  'pedidos',
  'client_file_storage', 'client_conversation_archive',
  'whatsapp_groups', 'whatsapp_group_members', 'whatsapp_group_cliente_mapping', 'whatsapp_group_messages_log',
  'campaigns', 'campaign_messages', 'campaign_recipient_log', 'campaign_analytics', 'customer_reports', 'campaign_goals',
  'message_templates', 'template_buttons', 'template_variables', 'template_usage_log', 'template_versions',
  'segmentation_rules', 'customer_segments', 'segment_members', 'segment_performance', 'customer_scores',
];
const EXTRA_TABLES = ['audit_log', 'pending_confirmations', 'webhook_inbox', 'meta_pending_status', 'consent_events', 'segment_overrides', 'template_sync_state', 'message_pricing', 'report_schedules', 'report_runs', 'whatsapp_group_member_events', 'channel_monthly_users', 'client_monthly_activity', 'segment_member_history'];

/** Every index / unique key the PRD names (and the extra named ones), with its table. */
const NAMED_INDEXES: Record<string, string> = {
  idx_client_file: 'client_file_storage',
  idx_file_type: 'client_file_storage',
  idx_client_conversation: 'client_conversation_archive',
  idx_group_client: 'whatsapp_groups',
  idx_group_active: 'whatsapp_groups',
  unique_member: 'whatsapp_group_members',
  idx_member_group: 'whatsapp_group_members',
  idx_member_status: 'whatsapp_group_members',
  unique_mapping: 'whatsapp_group_cliente_mapping',
  idx_client_groups: 'whatsapp_group_cliente_mapping',
  idx_group_messages: 'whatsapp_group_messages_log',
  idx_sender_messages: 'whatsapp_group_messages_log',
  unique_role_permission: 'role_permissions',
  idx_user_role: 'usuarios',
  idx_user_active: 'usuarios',
  idx_user_region: 'usuarios',
  idx_channel_date: 'conversations_log',
  idx_conv_date: 'conversations_log',
  idx_conv_client: 'conversations_log',
  idx_conv_cliente: 'conversations_log',
  unique_channel_date: 'channel_statistics',
  idx_channel_stats: 'channel_statistics',
  idx_campaign_status: 'campaigns',
  idx_campaign_dates: 'campaigns',
  idx_campaign_messages: 'campaign_messages',
  idx_recipient_campaign: 'campaign_recipient_log',
  idx_recipient_status: 'campaign_recipient_log',
  idx_recipient_message: 'campaign_recipient_log',
  unique_recipient: 'campaign_recipient_log',
  idx_client_reports: 'customer_reports',
  idx_template_status: 'message_templates',
  idx_template_meta: 'message_templates',
  idx_template_buttons: 'template_buttons',
  idx_variable_template: 'template_variables',
  idx_template_usage: 'template_usage_log',
  idx_template_campaign: 'template_usage_log',
  idx_template_usage_message: 'template_usage_log',
  idx_template_versions: 'template_versions',
  idx_rule_active: 'segmentation_rules',
  idx_segment_active: 'customer_segments',
  idx_segment_rule: 'customer_segments',
  unique_segment_member: 'segment_members',
  idx_segment_members: 'segment_members',
  idx_cliente_segments: 'segment_members',
  unique_customer_score: 'customer_scores',
  idx_customer_scores: 'customer_scores',
  idx_score_type: 'customer_scores',
  idx_pedidos_cliente: 'pedidos',
  idx_audit_actor: 'audit_log',
  idx_audit_created: 'audit_log',
  idx_pending_user: 'pending_confirmations',
  idx_inbox_status: 'webhook_inbox',
};

/** Column lists of some composite keys, in order. */
const INDEX_COLUMNS: Record<string, string[]> = {
  idx_conv_date: ['date'],
  idx_conv_client: ['from', 'date'],
  idx_channel_date: ['channel_id', 'date'],
  idx_campaign_status: ['status'],
  idx_segment_active: ['is_active'],
  idx_template_usage: ['template_id', 'usage_timestamp'],
  unique_member: ['group_id', 'member_phone_number'],
  unique_recipient: ['campaign_id', 'cliente_id', 'campaign_message_id'],
  idx_pedidos_cliente: ['clienteId', 'created_at'],
};

const UNIQUE_KEYS = [
  'unique_member', 'unique_mapping', 'unique_channel_date', 'unique_role_permission', 'unique_segment_member',
  'unique_customer_score', 'unique_recipient',
];

interface Catalog {
  tables(): Promise<string[]>;
  columns(table: string): Promise<string[]>;
  /** index name → table name (includes unique constraints). */
  indexes(): Promise<Map<string, string>>;
  indexColumns(index: string): Promise<string[]>;
  isUnique(index: string): Promise<boolean>;
}

function catalogFor(t: TestOrm, kind: DbKind): Catalog {
  const q = <R>(sql: string, params: unknown[] = []) => t.orm.em.getConnection().execute<R[]>(sql, params);
  if (kind === 'sqlite') {
    return {
      async tables() {
        return (await q<{ name: string }>(`select name from sqlite_master where type = 'table'`)).map((r) => r.name);
      },
      async columns(table) {
        return (await q<{ name: string }>(`select name from pragma_table_info(?)`, [table])).map((r) => r.name);
      },
      async indexes() {
        const rows = await q<{ name: string; tbl_name: string }>(`select name, tbl_name from sqlite_master where type = 'index'`);
        return new Map(rows.map((r) => [r.name, r.tbl_name]));
      },
      async indexColumns(index) {
        return (await q<{ name: string }>(`select name from pragma_index_info(?) order by seqno`, [index])).map((r) => r.name);
      },
      async isUnique(index) {
        const [row] = await q<{ sql: string }>(`select sql from sqlite_master where type = 'index' and name = ?`, [index]);
        return /^create unique index/i.test(row?.sql ?? '');
      },
    };
  }
  return {
    async tables() {
      const rows = await q<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
      );
      return rows.map((r) => r.table_name);
    },
    async columns(table) {
      const rows = await q<{ column_name: string }>(
        `select column_name from information_schema.columns where table_schema = 'public' and table_name = ?`,
        [table],
      );
      return rows.map((r) => r.column_name);
    },
    async indexes() {
      const rows = await q<{ indexname: string; tablename: string }>(
        `select indexname, tablename from pg_indexes where schemaname = 'public'`,
      );
      return new Map(rows.map((r) => [r.indexname, r.tablename]));
    },
    async indexColumns(index) {
      const rows = await q<{ attname: string }>(
        `select a.attname from pg_class i
           join pg_index ix on ix.indexrelid = i.oid
           join unnest(ix.indkey) with ordinality as k(attnum, ord) on true
           join pg_attribute a on a.attrelid = ix.indrelid and a.attnum = k.attnum
         where i.relname = ? order by k.ord`,
        [index],
      );
      return rows.map((r) => r.attname);
    },
    async isUnique(index) {
      const [row] = await q<{ indisunique: boolean }>(
        `select ix.indisunique from pg_class i join pg_index ix on ix.indexrelid = i.oid where i.relname = ?`,
        [index],
      );
      return row?.indisunique === true;
    },
  };
}

const count = async (t: TestOrm, table: string) => {
  const [row] = await t.orm.em.getConnection().execute<Array<{ n: number | string }>>(`select count(*) as n from ${table}`);
  return Number(row!.n);
};

function schemaSuite(kind: DbKind) {
  let t: TestOrm;
  let catalog: Catalog;

  beforeAll(async () => {
    t = await createTestOrm(kind);
    catalog = catalogFor(t, kind);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('the migrated schema matches the entity metadata (no drift)', async () => {
    const sql = await t.orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(sql.trim()).toBe('');
  });

  it('applies every migration of its dialect folder, the initial one first, and leaves none pending', async () => {
    const executed = await t.orm.migrator.getExecuted();
    const files = readdirSync(migrationsPath(kind)).filter((f) => /^Migration\d+.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
    expect(executed.map((m) => m.name)).toEqual(files);
    expect(files[0]).toBe('Migration20261124000000_initial');
    expect(await t.orm.migrator.getPending()).toEqual([]);
  });

  it('has every PRD table and the extra ones', async () => {
    const tables = await catalog.tables();
    for (const table of [...PRD_TABLES, ...EXTRA_TABLES]) expect(tables, table).toContain(table);
    expect(t.orm.getMetadata().getAll().size).toBe(PRD_TABLES.length + EXTRA_TABLES.length);
  });

  it('uses the PRD column names verbatim', async () => {
    expect(await catalog.columns('usuarios')).toEqual(expect.arrayContaining(['id', 'phoneNumber', 'nombre', 'role_id', 'user_type', 'password_hash', 'lid']));
    expect(await catalog.columns('conversations_log')).toEqual(
      expect.arrayContaining(['from', 'date', 'cliente_id', 'channel_id', 'message_direction', 'platform_origin', 'sms_gateway_provider', 'message_id']),
    );
    const pedidos = await catalog.columns('pedidos');
    expect(pedidos).toContain('clienteId');
    expect(pedidos).not.toContain('cliente_id');
    expect(await catalog.columns('client_file_storage')).toEqual(expect.arrayContaining(['file_id', 'cliente_id', 'checksum_sha256', 'source_sha256']));
    expect(await catalog.columns('whatsapp_groups')).toEqual(expect.arrayContaining(['group_id', 'group_jid', 'owner_phone_number', 'parent_cliente_id']));
    expect(await catalog.columns('channel_statistics')).toEqual(expect.arrayContaining(['stat_id', 'channel_id', 'date']));
  });

  it('has every named index and unique key on the right table', async () => {
    const indexes = await catalog.indexes();
    for (const [name, table] of Object.entries(NAMED_INDEXES)) {
      expect(indexes.get(name), name).toBe(table);
    }
    for (const [name, cols] of Object.entries(INDEX_COLUMNS)) {
      expect(await catalog.indexColumns(name), name).toEqual(cols);
    }
    for (const name of UNIQUE_KEYS) expect(await catalog.isUnique(name), name).toBe(true);
  });

  it('seeds the roles, permissions, matrix and channels', async () => {
    const em = t.orm.em.fork();
    const roles = await em.find(UserRole, {}, { orderBy: { roleId: 'asc' } });
    expect(roles.map((r) => [r.roleName, r.permissionLevel, r.isSystemRole])).toEqual(
      ROLES.map((r) => [r.name, r.level, true]),
    );
    const perms = await em.find(UserPermission, {});
    expect(perms.map((p) => p.permissionName).sort()).toEqual(PERMISSIONS.map((p) => p.name).sort());
    const matrixSize = Object.values(ROLE_MATRIX).reduce((n, list) => n + list.length, 0);
    expect(await count(t, 'role_permissions')).toBe(matrixSize);
    const viewer = await em.find(RolePermission, { role: { roleName: 'viewer' } }, { populate: ['permission'] });
    expect(viewer.map((rp) => rp.permission.permissionName).sort()).toEqual([...ROLE_MATRIX.viewer].sort());
    const channels = await em.find(MessageChannel, {}, { orderBy: { channelId: 'asc' } });
    expect(channels.map((c) => [c.channelName, c.channelType])).toEqual(CHANNELS.map((c) => [c.name, c.type]));
  });

  it('seeding again changes nothing, and prunes matrix rows ROLE_MATRIX no longer grants', async () => {
    const before = await Promise.all(['user_roles', 'user_permissions', 'role_permissions', 'message_channels'].map((tb) => count(t, tb)));
    const again = await seedAll(t.orm);
    expect(again.changed).toBe(false);
    const after = await Promise.all(['user_roles', 'user_permissions', 'role_permissions', 'message_channels'].map((tb) => count(t, tb)));
    expect(after).toEqual(before);

    // A stale grant on a system role is removed by the next seed run.
    const em = t.orm.em.fork();
    const viewer = await em.findOneOrFail(UserRole, { roleName: 'viewer' });
    const del = await em.findOneOrFail(UserPermission, { permissionName: 'users.delete' });
    em.create(RolePermission, { role: viewer, permission: del });
    await em.flush();
    const pruned = await seedAll(t.orm);
    expect(pruned.rolePermissions).toEqual({ inserted: 0, updated: 0, removed: 1 });
    expect(await count(t, 'role_permissions')).toBe(before[2]);
  });

  it('enforces foreign keys (usuarios.role_id, whatsapp_groups.owner_phone_number)', async () => {
    const conn = t.orm.em.getConnection();
    await expect(conn.execute(`insert into usuarios ("phoneNumber", role_id) values ('34600000999', 999999)`)).rejects.toThrow();
    await expect(
      conn.execute(`insert into whatsapp_groups (group_id, group_name, group_jid, owner_phone_number) values ('g1@g.us', 'G', 'g1@g.us', '34699999999')`),
    ).rejects.toThrow();
  });

  it('round-trips entities: FK by phone number, DECIMAL, DATE', async () => {
    const em = t.orm.em.fork();
    const clientRole = await em.findOneOrFail(UserRole, { roleName: 'client' });
    const client = em.create(Usuario, { phoneNumber: '34600000001', nombre: 'Ana', role: clientRole });
    const group = em.create(WhatsappGroup, { groupId: '123@g.us', groupJid: '123@g.us', groupName: 'Clientes', owner: client, parentCliente: client });
    em.create(Pedido, { cliente: client, total: '1234.50' });
    const channel = await em.findOneOrFail(MessageChannel, { channelName: 'WhatsApp' });
    em.create(ChannelStatistic, { channel, date: '2026-01-31', totalInboundMessages: 3 });
    await em.flush();
    expect(group.createdAt).toBeInstanceOf(Date);

    const [raw] = await em.getConnection().execute<Array<{ owner_phone_number: string }>>(
      `select owner_phone_number from whatsapp_groups where group_id = '123@g.us'`,
    );
    expect(raw!.owner_phone_number).toBe('34600000001');

    const em2 = t.orm.em.fork();
    const g = await em2.findOneOrFail(WhatsappGroup, { groupId: '123@g.us' }, { populate: ['owner'] });
    expect(g.owner?.phoneNumber).toBe('34600000001');
    expect(g.isActive).toBe(true);
    expect(g.syncStatus).toBe('pending');
    const order = await em2.findOneOrFail(Pedido, { cliente: { phoneNumber: '34600000001' } });
    expect(order.estado).toBe('pendiente');
    expect(order.currency).toBe('EUR');
    expect(Number(order.total)).toBe(1234.5);
    const stat = await em2.findOneOrFail(ChannelStatistic, { channel: { channelName: 'WhatsApp' } });
    expect(stat.date).toBe('2026-01-31');
    expect(stat.statId).toMatch(/^[0-9a-f-]{36}$/);

    // The phone-number FK follows a change of the usuario's number.
    await em2.getConnection().execute(`update usuarios set "phoneNumber" = '34600000002' where "phoneNumber" = '34600000001'`);
    const [moved] = await em2.getConnection().execute<Array<{ owner_phone_number: string }>>(
      `select owner_phone_number from whatsapp_groups where group_id = '123@g.us'`,
    );
    expect(moved!.owner_phone_number).toBe('34600000002');
  });
}

describe('database schema: SQLite', () => {
  schemaSuite('sqlite');

  it('runs in WAL mode with foreign keys on', async () => {
    const t = await createTestOrm('sqlite', { migrate: false });
    try {
      const conn = t.orm.em.getConnection();
      const [mode] = await conn.execute<Array<{ journal_mode: string }>>('pragma journal_mode');
      const [fk] = await conn.execute<Array<{ foreign_keys: number }>>('pragma foreign_keys');
      expect(mode!.journal_mode).toBe('wal');
      expect(fk!.foreign_keys).toBe(1);
    } finally {
      await t.cleanup();
    }
  });
});

describe.skipIf(!(await pgAvailable()))('database schema: PostgreSQL', () => {
  schemaSuite('postgresql');
});

describe('migrations', () => {
  it('are one set: the SQLite and PostgreSQL folders hold the same migrations, in the same order', () => {
    const names = (kind: 'sqlite' | 'postgresql') =>
      readdirSync(migrationsPath(kind)).filter((f) => /^Migration\d+.*\.ts$/.test(f)).sort();
    expect(names('sqlite').length).toBeGreaterThan(0);
    expect(names('postgresql')).toEqual(names('sqlite'));
  });
});
