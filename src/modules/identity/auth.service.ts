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
import type { SecretBox } from './secret-box.ts';
import { formatWait } from '../../shared/i18n/wait.ts';
import { createLoginThrottle } from './login-throttle.ts';

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
  await em.flush();
}

export type LoginFailure = 'INVALID_CREDENTIALS' | 'LOGIN_THROTTLED' | 'ACCOUNT_SUSPENDED' | 'NOT_STAFF' | 'TOTP_REQUIRED' | 'TOTP_REUSED';

export type LoginResult =
  | { ok: true; caller: Caller; user: IUsuario }
  | { ok: false; code: LoginFailure; status: number; message: string; retryAfterMs?: number };

export interface LoginInput {
  phone: string;
  password: string;
  totp?: string;
}

export interface AuthService {
  login(em: EntityManager, input: LoginInput, meta?: { ip?: string }): Promise<LoginResult>;
}

/**
 * Password (+ TOTP when enrolled) login, throttled per IP and per phone (login-throttle.ts).
 * A phone that is unknown, not staff or has no password gets the same answer, after the same
 * work (a bcrypt compare and an audit row), as a wrong password: nothing tells them apart.
 */
export function createAuthService(
  deps: Pick<ServiceDeps, 'config' | 'clock'> & { rbac: RbacService; audit: AuditService; secrets: SecretBox },
): AuthService {
  const { config, clock } = deps;
  const throttle = createLoginThrottle(
    { maxFailures: config.AUTH_MAX_FAILED_LOGINS, window: config.AUTH_FAILURE_WINDOW, maxDelay: config.AUTH_BACKOFF_MAX },
    clock,
  );
  let dummyHash: Promise<string> | null = null;
  const fail = (code: LoginFailure, status: number, message: string): LoginResult => ({ ok: false, code, status, message });

  return {
    async login(em, input, meta = {}) {
      const now = clock.now();
      const typed = String(input.phone ?? '');
      const digits = normalizePhone(typed);
      const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>, actorId: number | null = null) =>
        deps.audit.record(em, {
          actorId,
          actorPhone: digits ?? typed.slice(0, 20),
          action: 'auth.login',
          outcome,
          details: { ...details, ip: meta.ip },
          channel: 'http',
        });
      // Keyed on what was typed, whether or not such a user exists.
      const gate = throttle.begin(digits ?? typed.slice(0, 40), meta.ip ?? 'unknown');
      if (!gate.ok) {
        const retryAfterS = Math.ceil(gate.retryAfterMs / 1000);
        await audit('failure', { reason: 'throttled', retryAfterS });
        return { ...fail('LOGIN_THROTTLED', 429, t('admin.login.throttled', { wait: formatWait(gate.retryAfterMs) })), retryAfterMs: gate.retryAfterMs };
      }
      // Awaited on every path, so the first login (which computes it) costs the same for any phone.
      const dummy = await (dummyHash ??= bcrypt.hash('timing-equalizer', config.BCRYPT_COST));
      const user = digits
        ? await em.findOne(Usuario, { phoneNumber: digits }, { populate: ['passwordHash', 'totpSecret'] as never })
        : null;
      const invalid = () => fail('INVALID_CREDENTIALS', 401, t('admin.login.invalid'));

      if (!user?.passwordHash) {
        await bcrypt.compare(String(input.password), dummy);
        await audit('failure', { reason: user ? 'no_password' : 'unknown_user' }, user?.id ?? null);
        return invalid();
      }
      if (!(await bcrypt.compare(String(input.password), user.passwordHash))) {
        await audit('failure', { reason: 'bad_password' }, user.id);
        return invalid();
      }
      if (user.totpEnabledAt && user.totpSecret) {
        if (!input.totp) {
          // The password was right: asking for the second factor is not a failed guess.
          gate.release();
          await audit('failure', { reason: 'totp_required' }, user.id);
          return fail('TOTP_REQUIRED', 401, t('admin.login.totp_required'));
        }
        const check = await consumeTotp(em, user.id, String(input.totp), deps.secrets.open(user.totpSecret), now);
        if (check !== 'ok') {
          await audit('failure', { reason: check === 'reused' ? 'totp_reused' : 'bad_totp' }, user.id);
          return check === 'reused' ? fail('TOTP_REUSED', 401, t('admin.login.totp_reused')) : invalid();
        }
      }
      const caller = await deps.rbac.identify(em, user.id);
      if (!caller.active || !caller.isStaff) {
        gate.release();
        await audit('failure', { reason: caller.active ? 'not_staff' : 'account_inactive' }, user.id);
        return caller.active ? fail('NOT_STAFF', 403, t('admin.login.not_staff')) : fail('ACCOUNT_SUSPENDED', 403, t('admin.login.suspended'));
      }
      gate.succeeded();
      user.lastLogin = now;
      user.loginCount = (user.loginCount ?? 0) + 1;
      await em.flush();
      await audit('success', { role: caller.roleName }, user.id);
      return { ok: true, caller, user };
    },
  };
}
