import { createHash, createHmac } from 'node:crypto';

/**
 * Pure helpers behind the tamper-evident audit log: canonical JSON, the row hash and the
 * redaction of secrets. Kept apart from the service so the CLI, tests and the service agree
 * byte for byte on what is hashed.
 */

export const REDACTED = '[redactado]';

/** Argument names whose values are never stored: passwords, codes, tokens, TOTP secrets. */
const SECRET_KEY = /(pass|contrase|clave|secret|token|totp|otp|c[oó]digo|code|pin|authorization)/i;
const MAX_STRING = 500;
const MAX_DEPTH = 6;

/**
 * Text safe for every column and JSON type we store into: cut to `max` code units, lone
 * surrogates repaired and NUL removed (PostgreSQL's text and jsonb reject both).
 */
export function cleanText(value: string, max: number): string {
  const cut = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return cut.toWellFormed().replace(/\u0000/g, '');
}

/** Deep copy of `value` with secret-looking keys replaced and long strings cut. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (typeof value === 'string') return cleanText(value, MAX_STRING);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redactSecrets(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEY.test(k) ? REDACTED : redactSecrets(v, depth + 1);
    }
    return out;
  }
  return String(value);
}

/**
 * JSON with object keys sorted at every level and `undefined` dropped. PostgreSQL's jsonb
 * reorders keys, so hashing must not depend on insertion order.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields a row's hash covers (everything but id, prev_hash and hash itself). */
export interface HashedFields {
  actorId: number | null;
  actorPhone: string | null;
  action: string;
  target: string | null;
  details: Record<string, unknown> | null;
  outcome: string;
  durationMs: number | null;
  channel: string | null;
  createdAt: Date;
}

/** hash = sha256(prev_hash + canonical JSON of the row's fields), hex. */
export function hashAuditRow(prevHash: string | null, row: HashedFields): string {
  const canonical = canonicalJson({
    actorId: row.actorId ?? null,
    actorPhone: row.actorPhone ?? null,
    action: row.action,
    target: row.target ?? null,
    details: row.details ?? null,
    outcome: row.outcome,
    durationMs: row.durationMs ?? null,
    channel: row.channel ?? null,
    createdAt: row.createdAt.toISOString(),
  });
  return createHash('sha256').update(prevHash ?? '').update(canonical).digest('hex');
}

/**
 * Version 2 (the erasure redesign). The personal fields — actor phone, target, details — enter the
 * chain only through a keyed digest (HMAC-SHA256 with AUDIT_HMAC_KEY) stored beside them, so an
 * erasure can blank the field while the row's hash, and every later link, still verifies. The key
 * keeps a blanked phone from being recovered by hashing every possible number. A field present on
 * the row must still match its digest, so editing it is detected like any other change.
 */
export interface DigestedFields {
  actorId: number | null;
  action: string;
  outcome: string;
  durationMs: number | null;
  channel: string | null;
  createdAt: Date;
  actorPhoneDigest: string | null;
  targetDigest: string | null;
  detailsDigest: string | null;
}

/** HMAC-SHA256 of a personal field (strings as they are; details as canonical JSON); null stays null. */
export function personalDigest(key: Buffer, value: string | Record<string, unknown> | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return createHmac('sha256', key).update(text).digest('hex');
}

export function hashAuditRowV2(prevHash: string | null, row: DigestedFields): string {
  const canonical = canonicalJson({
    v: 2,
    actorId: row.actorId ?? null,
    action: row.action,
    outcome: row.outcome,
    durationMs: row.durationMs ?? null,
    channel: row.channel ?? null,
    createdAt: row.createdAt.toISOString(),
    actorPhoneDigest: row.actorPhoneDigest ?? null,
    targetDigest: row.targetDigest ?? null,
    detailsDigest: row.detailsDigest ?? null,
  });
  return createHash('sha256').update(prevHash ?? '').update(canonical).digest('hex');
}
