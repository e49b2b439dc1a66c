import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps } from '../../shared/service-deps.ts';
import { Usuario, type IUsuario } from './usuario.entity.ts';
import { UserRole } from './user-role.entity.ts';
import { RolePermission } from './role-permission.entity.ts';
import { normalizePhone } from '../../shared/phone.ts';

/** Who is asking (chat or HTTP): resolved fresh from `usuarios` on every request. */
export interface Caller {
  userId: number | null;
  phone: string;
  nombre: string | null;
  roleName: string | null;
  level: number;
  permissions: ReadonlySet<string>;
  /** Staff = the role grants at least one permission; customers have none. */
  isStaff: boolean;
  /** is_active and account_status = 'active'. */
  active: boolean;
  accountStatus: IUsuario['accountStatus'] | null;
  totpEnabled: boolean;
}

export interface RoleInfo {
  roleId: number;
  name: string;
  level: number;
  permissions: ReadonlySet<string>;
}

export interface RbacService {
  /** The caller behind a phone or user id; an unknown phone is a customer with no permissions. */
  identify(em: EntityManager, who: number | string): Promise<Caller>;
  can(who: number | string, permission: string): Promise<boolean>;
  permissionsOf(roleName: string): Promise<ReadonlySet<string>>;
  role(roleName: string): Promise<RoleInfo | null>;
  roles(): Promise<RoleInfo[]>;
  /** Drops the cached role → permission map (called whenever roles or grants change). */
  invalidate(): void;
}

/**
 * The role → permission map is cached in-process (it is read on every command and request) and
 * reloaded on `invalidate()` or after a short TTL, so instances sharing PostgreSQL converge.
 * The user → role link is never cached: a demotion or suspension takes effect on the next
 * message, on every instance.
 */
export function createRbacService(deps: Pick<ServiceDeps, 'orm'>, opts: { ttlMs?: number } = {}): RbacService {
  const ttlMs = opts.ttlMs ?? 60_000;
  type RoleCache = { at: number; byId: Map<number, RoleInfo>; byName: Map<string, RoleInfo> };
  let cache: RoleCache | null = null;
  let loading: Promise<RoleCache> | null = null;
  // A load that started before an invalidate() must not repopulate the cache with stale data.
  let generation = 0;

  async function load(): Promise<RoleCache> {
    const em = deps.orm.em.fork() as unknown as EntityManager;
    const roles = await em.find(UserRole, {});
    const grants = await em.find(RolePermission, {}, { populate: ['permission'] });
    const perms = new Map<number, Set<string>>();
    for (const g of grants) {
      const set = perms.get(g.role.roleId) ?? new Set<string>();
      set.add(g.permission.permissionName);
      perms.set(g.role.roleId, set);
    }
    const infos = roles.map((r) => ({
      roleId: r.roleId,
      name: r.roleName,
      level: r.permissionLevel ?? 0,
      permissions: perms.get(r.roleId) ?? new Set<string>(),
    }));
    return { at: Date.now(), byId: new Map(infos.map((i) => [i.roleId, i])), byName: new Map(infos.map((i) => [i.name, i])) };
  }

  async function current(): Promise<RoleCache> {
    if (cache && Date.now() - cache.at < ttlMs) return cache;
    const gen = generation;
    loading ??= load().finally(() => {
      if (gen === generation) loading = null;
    });
    const loaded = await loading;
    if (gen === generation) cache = loaded;
    return loaded;
  }

  async function identify(em: EntityManager, who: number | string): Promise<Caller> {
    const digits = typeof who === 'number' ? null : normalizePhone(who);
    const user =
      typeof who === 'number'
        ? await em.findOne(Usuario, { id: who })
        : digits
          ? await em.findOne(Usuario, { phoneNumber: digits })
          : null;
    const role = user?.role ? (await current()).byId.get(user.role.roleId) : undefined;
    const permissions = role?.permissions ?? new Set<string>();
    return {
      userId: user?.id ?? null,
      phone: user?.phoneNumber ?? digits ?? String(who),
      nombre: user?.nombre ?? null,
      roleName: role?.name ?? null,
      level: role?.level ?? 0,
      permissions,
      isStaff: permissions.size > 0,
      active: Boolean(user && user.isActive && user.accountStatus === 'active'),
      accountStatus: user?.accountStatus ?? null,
      totpEnabled: Boolean(user?.totpEnabledAt),
    };
  }

  return {
    identify,
    async can(who, permission) {
      const caller = await identify(deps.orm.em.fork() as unknown as EntityManager, who);
      return caller.active && caller.permissions.has(permission);
    },
    async permissionsOf(roleName) {
      return (await current()).byName.get(roleName)?.permissions ?? new Set<string>();
    },
    async role(roleName) {
      return (await current()).byName.get(roleName) ?? null;
    },
    async roles() {
      return [...(await current()).byId.values()].sort((a, b) => b.level - a.level);
    },
    invalidate() {
      generation++;
      cache = null;
      loading = null;
    },
  };
}
