import bcrypt from 'bcrypt';
import { z } from 'zod';
import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps } from '../../shared/service-deps.ts';
import { Usuario, type IUsuario } from './usuario.entity.ts';
import type { AuditService } from './audit.service.ts';
import type { Caller, RbacService } from './rbac.service.ts';
import { normalizePhone } from '../../shared/phone.ts';
import { t } from '../../shared/i18n/index.ts';
import { consumeTotp } from '../admin/totp.ts';

/** Default bcrypt work factor (config BCRYPT_COST): ~250 ms per hash, slow for offline guessing. */
export const BCRYPT_COST = 12;
export const PASSWORD_MIN = 10;
/** bcrypt ignores bytes past 72; longer passwords would silently be truncated. */
export const PASSWORD_MAX_BYTES = 72;

export const zPassword = z
  .string()
  .min(PASSWORD_MIN, { error: () => t('admin.password.too_short', { min: PASSWORD_MIN }) })
  .refine((v) => Buffer.byteLength(v) <= PASSWORD_MAX_BYTES, { error: () => t('admin.password.too_long', { max: PASSWORD_MAX_BYTES }) });

export async function setPassword(em: EntityManager, userId: number, password: string, cost = BCRYPT_COST): Promise<void> {
  const user = await em.findOneOrFail(Usuario, { id: userId });
  user.passwordHash = await bcrypt.hash(password, cost);
  user.failedLoginCount = 0;
  user.lockedUntil = null;
  await em.flush();
}

export type LoginFailure = 'INVALID_CREDENTIALS' | 'ACCOUNT_LOCKED' | 'ACCOUNT_SUSPENDED' | 'NOT_STAFF' | 'TOTP_REQUIRED' | 'TOTP_REUSED';

export type LoginResult =
  | { ok: true; caller: Caller; user: IUsuario }
  | { ok: false; code: LoginFailure; status: number; message: string };

export interface LoginInput {
  phone: string;
  password: string;
  totp?: string;
}

export interface AuthService {
  login(em: EntityManager, input: LoginInput, meta?: { ip?: string }): Promise<LoginResult>;
}

/**
 * Password (+ TOTP when enrolled) login with lockout. Unknown phones and wrong passwords get
 * the same answer and take the same time (a bcrypt compare runs either way).
 */
export function createAuthService(
  deps: Pick<ServiceDeps, 'config' | 'clock'> & { rbac: RbacService; audit: AuditService },
): AuthService {
  const { config, clock } = deps;
  let dummyHash: Promise<string> | null = null;
  const fail = (code: LoginFailure, status: number, message: string): LoginResult => ({ ok: false, code, status, message });

  return {
    async login(em, input, meta = {}) {
      const now = clock.now();
      const digits = normalizePhone(String(input.phone ?? ''));
      const user = digits
        ? await em.findOne(Usuario, { phoneNumber: digits }, { populate: ['passwordHash', 'totpSecret'] as never })
        : null;
      const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>) =>
        deps.audit.record(em, {
          actorId: user?.id ?? null,
          actorPhone: digits ?? String(input.phone ?? '').slice(0, 20),
          action: 'auth.login',
          outcome,
          details: { ...details, ip: meta.ip },
          channel: 'http',
        });
      const invalid = () => fail('INVALID_CREDENTIALS', 401, t('admin.login.invalid'));

      if (!user?.passwordHash) {
        dummyHash ??= bcrypt.hash('timing-equalizer', config.BCRYPT_COST);
        await bcrypt.compare(String(input.password), await dummyHash);
        await audit('failure', { reason: user ? 'no_password' : 'unknown_user' });
        return invalid();
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
        await audit('failure', { reason: 'locked' });
        return fail('ACCOUNT_LOCKED', 423, t('admin.login.locked', { minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000) }));
      }
      const recordFailure = async (reason: string, answer: () => LoginResult = invalid): Promise<LoginResult> => {
        // Counted in SQL: parallel guesses must each count towards the lockout.
        await em.execute('update usuarios set failed_login_count = failed_login_count + 1 where id = ?', [user.id]);
        const rows = await em.execute<Array<{ n: number | string }>>('select failed_login_count as n from usuarios where id = ?', [user.id]);
        const locked = Number(rows[0]?.n ?? 0) >= config.AUTH_MAX_FAILED_LOGINS;
        if (locked) {
          await em.nativeUpdate(Usuario, { id: user.id }, { lockedUntil: new Date(now.getTime() + config.AUTH_LOCKOUT), failedLoginCount: 0 });
        }
        await audit('failure', { reason, locked });
        return locked
          ? fail('ACCOUNT_LOCKED', 423, t('admin.login.locked', { minutes: Math.ceil(config.AUTH_LOCKOUT / 60_000) }))
          : answer();
      };
      if (!(await bcrypt.compare(String(input.password), user.passwordHash))) return recordFailure('bad_password');
      if (user.totpEnabledAt && user.totpSecret) {
        if (!input.totp) {
          await audit('failure', { reason: 'totp_required' });
          return fail('TOTP_REQUIRED', 401, t('admin.login.totp_required'));
        }
        const check = await consumeTotp(em, user.id, String(input.totp), user.totpSecret, now);
        if (check === 'reused') return recordFailure('totp_reused', () => fail('TOTP_REUSED', 401, t('admin.login.totp_reused')));
        if (check !== 'ok') return recordFailure('bad_totp');
      }
      const caller = await deps.rbac.identify(em, user.id);
      if (!caller.active) {
        await audit('failure', { reason: 'account_inactive' });
        return fail('ACCOUNT_SUSPENDED', 403, t('admin.login.suspended'));
      }
      if (!caller.isStaff) {
        await audit('failure', { reason: 'not_staff' });
        return fail('NOT_STAFF', 403, t('admin.login.not_staff'));
      }
      user.failedLoginCount = 0;
      user.lockedUntil = null;
      user.lastLogin = now;
      user.loginCount = (user.loginCount ?? 0) + 1;
      await em.flush();
      await audit('success', { role: caller.roleName });
      return { ok: true, caller, user };
    },
  };
}
