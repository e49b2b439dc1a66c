import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { PendingConfirmation, type IPendingConfirmation } from '../identity/pending-confirmation.entity.ts';
import { Usuario } from '../identity/usuario.entity.ts';
import type { RawArgs } from './registry.ts';

/**
 * Step-up confirmations for sensitive commands, stored in `pending_confirmations` so they
 * survive restarts and work across instances sharing one database. Only a salted hash of
 * the one-time code is stored; state changes are conditional updates, so two instances
 * cannot both confirm (or both fail) the same row.
 */

export const CONFIRMATION_TTL_MS = 2 * 60_000;
export const MAX_CONFIRM_ATTEMPTS = 3;
/** No 0/O, 1/I/L: the code is read on a phone screen and typed back. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

export function generateCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** Salted with the row id so equal codes of different confirmations hash differently. */
export function hashCode(id: string, code: string): string {
  return createHash('sha256').update(`${id}:${code.trim().toUpperCase()}`).digest('hex');
}

export function codeMatches(id: string, code: string, storedHash: string | null | undefined): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashCode(id, code), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ConfirmationRequest {
  userId: number;
  path: string;
  raw: RawArgs;
  summary: string;
  requiresTotp: boolean;
  now: Date;
}

/**
 * Creates a pending confirmation, replacing any earlier one of the same user (one action waits
 * at a time, so `/confirmar` is never ambiguous). Returns the code to show and the still-live
 * confirmations it cancelled, so the person can be told; ones already past their deadline are
 * marked expired, silently.
 */
export async function requestConfirmation(
  em: EntityManager,
  req: ConfirmationRequest,
): Promise<{ row: IPendingConfirmation; code: string | null; replaced: IPendingConfirmation[] }> {
  const replaced: IPendingConfirmation[] = [];
  for (const old of await em.find(PendingConfirmation, { usuario: req.userId, status: 'pending' })) {
    const live = old.expiresAt.getTime() > req.now.getTime();
    if ((await resolve(em, old, live ? 'cancelled' : 'expired', req.now)) && live) replaced.push(old);
  }
  // The id salts the code hash, so it is chosen here rather than at flush time.
  const id = randomUUID();
  const code = req.requiresTotp ? null : generateCode();
  const row = em.create(PendingConfirmation, {
    id,
    usuario: em.getReference(Usuario, req.userId),
    command: req.path,
    argsJson: { positional: req.raw.positional, options: { ...req.raw.options } },
    summary: req.summary,
    requiresTotp: req.requiresTotp,
    attempts: 0,
    status: 'pending',
    codeHash: code ? hashCode(id, code) : null,
    expiresAt: new Date(req.now.getTime() + CONFIRMATION_TTL_MS),
    createdAt: req.now,
  } as never) as IPendingConfirmation;
  await em.flush();
  return { row, code, replaced };
}

/** The user's newest pending confirmation; one past its deadline is marked expired and returned as such. */
export async function findPending(
  em: EntityManager,
  userId: number,
  now: Date,
): Promise<{ row: IPendingConfirmation; expired: boolean } | null> {
  const row = await em.findOne(PendingConfirmation, { usuario: userId, status: 'pending' }, { orderBy: { createdAt: 'desc' } });
  if (!row) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    await resolve(em, row, 'expired', now);
    return { row, expired: true };
  }
  return { row, expired: false };
}

/**
 * Moves a pending row to a final state. Returns false when another instance (or a concurrent
 * message) got there first, in which case the caller must not act on it.
 */
export async function resolve(
  em: EntityManager,
  row: IPendingConfirmation,
  status: 'confirmed' | 'cancelled' | 'expired' | 'failed',
  now: Date,
): Promise<boolean> {
  const n = await em.nativeUpdate(PendingConfirmation, { id: row.id, status: 'pending' }, { status, resolvedAt: now });
  return n === 1;
}

/** Counts a wrong code; returns the attempts used so far. */
export async function countFailure(em: EntityManager, row: IPendingConfirmation): Promise<number> {
  // Incremented in SQL: two wrong codes sent at once must both count.
  await em.execute(`update pending_confirmations set attempts = attempts + 1 where id = ? and status = 'pending'`, [row.id]);
  const rows = await em.execute<Array<{ attempts: number }>>('select attempts from pending_confirmations where id = ?', [row.id]);
  return Number(rows[0]?.attempts ?? MAX_CONFIRM_ATTEMPTS);
}

export async function cancelPending(em: EntityManager, userId: number, now: Date): Promise<IPendingConfirmation | null> {
  const found = await findPending(em, userId, now);
  if (!found || found.expired) return null;
  return (await resolve(em, found.row, 'cancelled', now)) ? found.row : null;
}
