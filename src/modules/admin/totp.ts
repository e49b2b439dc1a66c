import { timingSafeEqual } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import type { EntityManager } from '@mikro-orm/sql';
import { Usuario } from '../identity/usuario.entity.ts';

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

export function verifyTotp(code: string, secret: string, now: Date): boolean {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return false;
  try {
    // Constant-time against the previous, current and next step (otplib compares with ===).
    let ok = false;
    for (const drift of [-30_000, 0, 30_000]) {
      const expected = authenticator.clone({ epoch: now.getTime() + drift }).generate(secret);
      if (timingSafeEqual(Buffer.from(expected), Buffer.from(token))) ok = true;
    }
    return ok;
  } catch {
    return false;
  }
}

/** For tests and tools: the code an authenticator app would show at `now`. */
export function totpCodeAt(secret: string, now: Date): string {
  return at(now).generate(secret);
}

/** The user's TOTP secret (a lazy, hidden column) when enrolment is complete. */
export async function loadTotpSecret(em: EntityManager, userId: number): Promise<{ secret: string | null; enabled: boolean }> {
  const user = await em.findOne(Usuario, { id: userId }, { populate: ['totpSecret'] as never });
  return { secret: user?.totpSecret ?? null, enabled: Boolean(user?.totpEnabledAt && user?.totpSecret) };
}
