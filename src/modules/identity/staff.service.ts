import type { EntityManager } from '@mikro-orm/sql';
import { Usuario, type IUsuario } from './usuario.entity.ts';
import { PendingConfirmation } from './pending-confirmation.entity.ts';
import { findRole, findUserByPhone, ensureUser, USER_TYPE_FOR_ROLE } from './identity.service.ts';
import type { RoleName } from './permissions.ts';
import type { Caller, RbacService, RoleInfo } from './rbac.service.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';

/**
 * The rules around staff accounts, shared by chat commands and any future API:
 * nobody grants a role above their own level or modifies someone above it, and the last
 * active super_admin can be neither demoted nor suspended.
 */

const SUPER_ADMIN = 'super_admin';

export async function countActiveSuperAdmins(em: EntityManager): Promise<number> {
  return em.count(Usuario, { role: { roleName: SUPER_ADMIN }, isActive: true, accountStatus: 'active' });
}

function isActive(u: IUsuario): boolean {
  return u.isActive && u.accountStatus === 'active';
}

export interface RoleChangePlan {
  target: IUsuario | null;
  phone: string;
  from: RoleInfo | null;
  to: RoleInfo;
}

/** Checks a role assignment without changing anything (summaries call it too). */
export async function planRoleChange(
  em: EntityManager,
  rbac: RbacService,
  caller: Caller,
  phone: string,
  roleName: string,
): Promise<RoleChangePlan> {
  const to = await rbac.role(roleName);
  if (!to) {
    const names = (await rbac.roles()).map((r) => r.name).join(', ');
    throw new ValidationError(t('admin.role.unknown', { role: roleName, roles: names }));
  }
  if (to.level > caller.level) throw new ForbiddenError(t('admin.role.above_own', { role: to.name }));
  const target = await findUserByPhone(em, phone);
  const from = target?.role ? await rbac.role(target.role.roleName) : null;
  if (from && from.level > caller.level) throw new ForbiddenError(t('admin.role.target_above', { phone }));
  if (from?.name === to.name) throw new ConflictError(t('admin.role.same', { phone, role: to.name }));
  if (target && from?.name === SUPER_ADMIN && isActive(target) && (await countActiveSuperAdmins(em)) <= 1) {
    throw new ConflictError(t('admin.role.last_super_admin'));
  }
  return { target, phone, from, to };
}

/** Applies a planned role change (re-checking it first) and drops the permission cache. */
export async function applyRoleChange(
  em: EntityManager,
  rbac: RbacService,
  caller: Caller,
  phone: string,
  roleName: string,
): Promise<RoleChangePlan> {
  const plan = await planRoleChange(em, rbac, caller, phone, roleName);
  const user = plan.target ?? (await ensureUser(em, phone)).user;
  user.role = await findRole(em, plan.to.name);
  user.userType = USER_TYPE_FOR_ROLE[plan.to.name as RoleName] ?? 'client';
  await em.flush();
  rbac.invalidate();
  return { ...plan, target: user };
}

export type StatusChange = 'activar' | 'suspender';

/** Checks an activation or suspension; returns the user it applies to. */
export async function planStatusChange(
  em: EntityManager,
  rbac: RbacService,
  caller: Caller,
  phone: string,
  change: StatusChange,
): Promise<IUsuario> {
  const target = await findUserByPhone(em, phone);
  if (!target) throw new NotFoundError(t('admin.user.not_found', { phone }));
  const level = target.role ? ((await rbac.role(target.role.roleName))?.level ?? 0) : 0;
  if (level > caller.level) throw new ForbiddenError(t('admin.role.target_above', { phone }));
  if (change === 'activar') {
    if (isActive(target)) throw new ConflictError(t('admin.user.already_active', { phone }));
    return target;
  }
  if (target.id === caller.userId) throw new ConflictError(t('admin.user.not_self'));
  if (target.accountStatus === 'suspended') throw new ConflictError(t('admin.user.already_suspended', { phone }));
  if (target.role?.roleName === SUPER_ADMIN && isActive(target) && (await countActiveSuperAdmins(em)) <= 1) {
    throw new ConflictError(t('admin.role.last_super_admin'));
  }
  return target;
}

export async function applyStatusChange(
  em: EntityManager,
  rbac: RbacService,
  caller: Caller,
  phone: string,
  change: StatusChange,
): Promise<{ user: IUsuario; from: IUsuario['accountStatus'] }> {
  const target = await planStatusChange(em, rbac, caller, phone, change);
  const from = target.accountStatus !== 'active' || target.isActive ? target.accountStatus : 'inactive';
  target.accountStatus = change === 'activar' ? 'active' : 'suspended';
  target.isActive = change === 'activar';
  await em.flush();
  return { user: target, from };
}

/** Checks a TOTP reset (a lost or replaced phone): same level rule as any other change. */
export async function planTotpReset(em: EntityManager, rbac: RbacService, caller: Caller, phone: string): Promise<IUsuario> {
  const target = await findUserByPhone(em, phone);
  if (!target) throw new NotFoundError(t('admin.user.not_found', { phone }));
  const level = target.role ? ((await rbac.role(target.role.roleName))?.level ?? 0) : 0;
  if (level > caller.level) throw new ForbiddenError(t('admin.role.target_above', { phone }));
  if (!target.totpEnabledAt) throw new ConflictError(t('admin.totp.not_enrolled', { phone }));
  return target;
}

/**
 * Removes the person's TOTP enrolment so they can enrol a new phone with /seguridad totp. Their
 * pending confirmations that wait for an authenticator code are cancelled: nobody could answer them.
 */
export async function applyTotpReset(em: EntityManager, rbac: RbacService, caller: Caller, phone: string, now: Date): Promise<IUsuario> {
  const target = await planTotpReset(em, rbac, caller, phone);
  await clearTotp(em, target.id, now);
  return target;
}

/** The reset itself, without rules (the chat command above and `mariadono admin totp-reset`). */
export async function clearTotp(em: EntityManager, userId: number, now: Date): Promise<void> {
  // A native update: the secret is a lazy column the loaded entity does not carry.
  await em.nativeUpdate(Usuario, { id: userId }, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
  await em.nativeUpdate(PendingConfirmation, { usuario: userId, status: 'pending', requiresTotp: true }, { status: 'cancelled', resolvedAt: now });
}
