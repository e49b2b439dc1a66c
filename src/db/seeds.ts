import type { EntityManager } from '@mikro-orm/sql';
import { PERMISSIONS, ROLES, ROLE_MATRIX, type RoleName } from '../modules/identity/permissions.ts';
import { UserRole } from '../modules/identity/user-role.entity.ts';
import { UserPermission } from '../modules/identity/user-permission.entity.ts';
import { RolePermission } from '../modules/identity/role-permission.entity.ts';
import { MessageChannel, type CHANNEL_TYPES } from '../modules/messaging/message-channel.entity.ts';
import { migrate, type Orm } from './orm.ts';

/**
 * Reference data every database needs: the roles, the permission catalog, the role → permission
 * matrix (all from permissions.ts) and the PRD's eight message channels. Idempotent: a second run
 * finds everything in place and writes nothing.
 */

/** The PRD's channels, in the PRD's order (so a fresh database numbers them 1..8 in this order). */
export const CHANNELS: ReadonlyArray<{ name: string; type: (typeof CHANNEL_TYPES)[number] }> = [
  { name: 'WhatsApp', type: 'whatsapp' },
  { name: 'SMS Local', type: 'sms' },
  { name: 'SMS Internacional', type: 'sms' },
  { name: 'Telegram', type: 'telegram' },
  { name: 'Email', type: 'email' },
  { name: 'Web Chat', type: 'web' },
  { name: 'Instagram Direct', type: 'instagram' },
  { name: 'Facebook Messenger', type: 'facebook' },
];

export interface SeedCounts {
  inserted: number;
  updated: number;
  removed: number;
}

export interface SeedResult {
  roles: SeedCounts;
  permissions: SeedCounts;
  rolePermissions: SeedCounts;
  channels: SeedCounts;
  /** True when the run wrote anything. */
  changed: boolean;
}

const zero = (): SeedCounts => ({ inserted: 0, updated: 0, removed: 0 });

/** Copies `wanted` onto `entity` where it differs; returns whether anything changed. */
function assignChanged<T extends object>(entity: T, wanted: Partial<T>): boolean {
  let changed = false;
  for (const [key, value] of Object.entries(wanted) as Array<[keyof T, T[keyof T]]>) {
    if (entity[key] !== value) {
      entity[key] = value;
      changed = true;
    }
  }
  return changed;
}

/** Upserts the reference data with `em` (the caller owns the transaction; this flushes). */
export async function seed(em: EntityManager): Promise<SeedResult> {
  const result: SeedResult = {
    roles: zero(),
    permissions: zero(),
    rolePermissions: zero(),
    channels: zero(),
    changed: false,
  };

  // Roles, in ROLES order.
  const roles = new Map((await em.find(UserRole, {})).map((r) => [r.roleName, r]));
  for (const def of ROLES) {
    const wanted = { description: def.description, permissionLevel: def.level, isSystemRole: true };
    const existing = roles.get(def.name);
    if (!existing) {
      roles.set(def.name, em.create(UserRole, { roleName: def.name, ...wanted }));
      result.roles.inserted++;
    } else if (assignChanged(existing, wanted)) {
      result.roles.updated++;
    }
  }

  // The permission catalog, in PERMISSIONS order.
  const perms = new Map((await em.find(UserPermission, {})).map((p) => [p.permissionName, p]));
  for (const def of PERMISSIONS) {
    const wanted = { description: def.description, module: def.module, action: def.action, resourceType: def.resourceType };
    const existing = perms.get(def.name);
    if (!existing) {
      perms.set(def.name, em.create(UserPermission, { permissionName: def.name, ...wanted }));
      result.permissions.inserted++;
    } else if (assignChanged(existing, wanted)) {
      result.permissions.updated++;
    }
  }

  // Channels, in the PRD's order.
  const channels = new Map((await em.find(MessageChannel, {})).map((c) => [c.channelName, c]));
  for (const def of CHANNELS) {
    const existing = channels.get(def.name);
    if (!existing) {
      em.create(MessageChannel, { channelName: def.name, channelType: def.type });
      result.channels.inserted++;
    } else if (assignChanged(existing, { channelType: def.type })) {
      result.channels.updated++;
    }
  }

  // New roles and permissions need their ids before the matrix can reference them.
  await em.flush();

  // The matrix of the system roles: add what ROLE_MATRIX grants, remove what it no longer does.
  // Custom (non-system) roles are left alone.
  const permNameById = new Map([...perms.values()].map((p) => [p.permissionId, p.permissionName]));
  const systemRoles = ROLES.map((def) => roles.get(def.name)!);
  const rows = await em.find(RolePermission, { role: { $in: systemRoles.map((r) => r.roleId) } });
  const have = new Map<number, Map<string, (typeof rows)[number]>>();
  for (const row of rows) {
    const roleId = row.role.roleId;
    const name = permNameById.get(row.permission.permissionId);
    if (!have.has(roleId)) have.set(roleId, new Map());
    if (name) have.get(roleId)!.set(name, row);
  }
  for (const def of ROLES) {
    const role = roles.get(def.name)!;
    const wanted = new Set(ROLE_MATRIX[def.name as RoleName]);
    const current = have.get(role.roleId) ?? new Map();
    for (const name of wanted) {
      if (current.has(name)) continue;
      const permission = perms.get(name);
      if (!permission) throw new Error(`ROLE_MATRIX grants ${def.name} the unknown permission "${name}"`);
      em.create(RolePermission, { role, permission });
      result.rolePermissions.inserted++;
    }
    for (const [name, row] of current) {
      if (wanted.has(name)) continue;
      em.remove(row);
      result.rolePermissions.removed++;
    }
  }
  await em.flush();

  result.changed = [result.roles, result.permissions, result.rolePermissions, result.channels].some(
    (c) => c.inserted + c.updated + c.removed > 0,
  );
  return result;
}

/** Runs `seed` in its own entity manager and transaction. */
export async function seedAll(orm: Orm): Promise<SeedResult> {
  const em = orm.em.fork() as unknown as EntityManager;
  return em.transactional((tx) => seed(tx as EntityManager));
}

/**
 * Data that predates explicit marketing consent: `marketing_opt_in` used to default to true with
 * no record of consent. Recorded consent (consent_at) or opt-out becomes granted/revoked; the
 * rest becomes unknown, i.e. no marketing. Idempotent: it only touches rows with no consent state.
 */
async function settleLegacyConsent(orm: Orm): Promise<void> {
  const conn = orm.em.fork().getConnection();
  await conn.execute(`update usuarios set marketing_consent = 'granted', consent_source = 'legacy' where marketing_consent is null and marketing_opt_in = ? and consent_at is not null`, [true]);
  await conn.execute(`update usuarios set marketing_consent = 'revoked', consent_source = 'legacy' where marketing_consent is null and marketing_opt_in = ? and opt_out_at is not null`, [false]);
  await conn.execute(`update usuarios set marketing_opt_in = ? where marketing_consent is null and marketing_opt_in = ?`, [false, true]);
}

/** Applies pending migrations, then the seeds. Returns the names of the migrations applied. */
export async function migrateAndSeed(orm: Orm): Promise<string[]> {
  const applied = await migrate(orm);
  await seedAll(orm);
  await settleLegacyConsent(orm);
  return applied;
}
