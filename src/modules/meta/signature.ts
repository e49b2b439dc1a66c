import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs every webhook delivery with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw
 * body, keyed with the app secret>`. The check must run on the exact bytes received (re-serialized
 * JSON would differ) and in constant time, so an attacker learns nothing from response timings.
 */

const PREFIX = 'sha256=';

export function signBody(rawBody: Buffer | string, appSecret: string): string {
  return PREFIX + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

export type SignatureCheck = 'ok' | 'missing' | 'invalid';

export function verifySignature(rawBody: Buffer, header: string | string[] | undefined, appSecret: string): SignatureCheck {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return 'missing';
  if (!value.startsWith(PREFIX)) return 'invalid';
  const given = Buffer.from(value.slice(PREFIX.length).trim().toLowerCase(), 'utf8');
  const expected = Buffer.from(signBody(rawBody, appSecret).slice(PREFIX.length), 'utf8');
  // timingSafeEqual throws on different lengths; a length mismatch is already a wrong signature
  // and reveals nothing (the expected length is public: 64 hex characters).
  if (given.length !== expected.length) return 'invalid';
  return timingSafeEqual(given, expected) ? 'ok' : 'invalid';
}

/** The webhook inbox's idempotency key: the same delivery retried by Meta hashes the same. */
export function dedupeKeyOf(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex');
}
