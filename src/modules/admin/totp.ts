import { timingSafeEqual } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import type { EntityManager } from '@mikro-orm/sql';
import { Usuario } from '../identity/usuario.entity.ts';
import type { SecretBox } from '../identity/secret-box.ts';

/**
 * TOTP (RFC 6238, 30 s steps, 6 digits, SHA-1: what Google Authenticator, Authy and 1Password
 * expect) through otplib. Every check takes the time from the caller, so replays and tests
 * follow the message clock; one step of drift either way is accepted.
 */

export const TOTP_ISSUER = 'MarIADono';

function at(now: Date) {
  return authenticator.clone({ epoch: now.getTime() });
}

export function generateTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function totpUri(phone: string, secret: string): string {
  return authenticator.keyuri(`+${phone}`, TOTP_ISSUER, secret);
}

/** A PNG QR code of the otpauth:// URI, to send as an image. */
export function totpQrPng(uri: string): Promise<Buffer> {
  return QRCode.toBuffer(uri, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 400 });
}

const STEP_MS = 30_000;

/**
 * The time step (RFC 6238 counter) whose code `code` is, among the previous, current and next
 * step at `now` (one step of clock drift either way); null when it matches none.
 */
export function matchTotpStep(code: string, secret: string, now: Date): number | null {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const current = Math.floor(now.getTime() / STEP_MS);
  let matched: number | null = null;
  try {
    // Constant time: every candidate is compared (otplib's own check uses ===).
    for (const step of [current - 1, current, current + 1]) {
      const expected = authenticator.clone({ epoch: step * STEP_MS }).generate(secret);
      if (timingSafeEqual(Buffer.from(expected), Buffer.from(token))) matched = step;
    }
  } catch {
    return null;
  }
  return matched;
}

export type TotpCheck = 'ok' | 'wrong' | 'reused';

/**
 * Checks a TOTP code and spends it: a code is accepted once (RFC 6238 §5.2), so a code read over
 * someone's shoulder or replayed from a log cannot be used again within its validity window.
 * The user's last accepted step moves forward with a conditional update, so two instances (or
 * two messages at once) cannot both accept the same code.
 */
export async function consumeTotp(em: EntityManager, userId: number, code: string, secret: string, now: Date): Promise<TotpCheck> {
  const step = matchTotpStep(code, secret, now);
  if (step === null) return 'wrong';
  const n = await em.nativeUpdate(
    Usuario,
    { id: userId, $or: [{ totpLastStep: null }, { totpLastStep: { $lt: step } }] },
    { totpLastStep: step },
  );
  return n === 1 ? 'ok' : 'reused';
}

/** For tests and tools: the code an authenticator app would show at `now`. */
export function totpCodeAt(secret: string, now: Date): string {
  return at(now).generate(secret);
}

/** The user's TOTP secret (a lazy, hidden column, sealed at rest) and whether enrolment is complete. */
export async function loadTotpSecret(em: EntityManager, userId: number, box: SecretBox): Promise<{ secret: string | null; enabled: boolean }> {
  const user = await em.findOne(Usuario, { id: userId }, { populate: ['totpSecret'] as never });
  const stored = user?.totpSecret ?? null;
  return { secret: stored ? box.open(stored) : null, enabled: Boolean(user?.totpEnabledAt && stored) };
}

export type StepUpCheck = 'ok' | 'not_enrolled' | 'wrong' | 'reused';

/**
 * Step-up over HTTP (where there is no chat to send a one-time code to): the caller's own
 * authenticator code, spent like any other (accepted once). Without an enrolled authenticator
 * a destructive API call cannot be confirmed at all.
 */
export async function checkStepUp(em: EntityManager, userId: number, code: string | undefined, box: SecretBox, now: Date): Promise<StepUpCheck> {
  const { secret, enabled } = await loadTotpSecret(em, userId, box);
  if (!enabled || !secret) return 'not_enrolled';
  if (!code) return 'wrong';
  return consumeTotp(em, userId, code, secret, now);
}
