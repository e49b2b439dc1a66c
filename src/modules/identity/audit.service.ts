import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps } from '../../shared/service-deps.ts';

/** One audit row as callers describe it (the service adds time, hash chain and redaction). */
export interface AuditEntry {
  actorId?: number | null;
  actorPhone?: string | null;
  action: string;
  target?: string | null;
  details?: Record<string, unknown>;
  outcome: 'allowed' | 'denied' | 'error' | 'success' | 'failure';
  durationMs?: number;
  channel?: 'chat' | 'http' | 'cli' | 'system';
}
import { AuditLog, type IAuditLog } from './audit-log.entity.ts';
import { Usuario } from './usuario.entity.ts';
import { cleanText, hashAuditRow, redactSecrets, type HashedFields } from './audit-hash.ts';

/** Arbitrary constant key for pg_advisory_xact_lock: "one audit appender at a time". */
const PG_AUDIT_LOCK = 7_410_001;
/** Placeholder while the row is inserted and its predecessor looked up (never committed). */
const PENDING_HASH = '0'.repeat(64);
const VERIFY_BATCH = 1000;

export interface AuditVerifyResult {
  ok: boolean;
  /** Rows checked (all of them when ok; up to and including the broken one otherwise). */
  count: number;
  brokenId?: number;
  reason?: 'hash_mismatch' | 'prev_hash_mismatch';
}

export interface AuditQuery {
  /** Rows where this phone is the actor or the target. */
  phone?: string;
  since?: Date;
  limit?: number;
}

export interface AuditService {
  record(em: EntityManager, entry: AuditEntry): Promise<void>;
  verify(em: EntityManager): Promise<AuditVerifyResult>;
  list(em: EntityManager, query?: AuditQuery): Promise<IAuditLog[]>;
}

function fieldsOf(row: IAuditLog): HashedFields {
  return {
    actorId: row.actor?.id ?? null,
    actorPhone: row.actorPhone ?? null,
    action: row.action,
    target: row.target ?? null,
    details: row.details ?? null,
    outcome: row.outcome,
    durationMs: row.durationMs ?? null,
    channel: row.channel ?? null,
    createdAt: row.createdAt,
  };
}

/**
 * The tamper-evident audit log. Each append runs in one transaction that first takes the
 * writer lock (PostgreSQL: an advisory lock; SQLite: the insert itself takes the database
 * write lock, so the predecessor read afterwards cannot be stale), so concurrent writers,
 * even in other processes, never fork the chain.
 */
export function createAuditService(deps: Pick<ServiceDeps, 'clock' | 'logger' | 'config'>): AuditService {
  const isPg = deps.config.db.kind === 'postgresql';
  const log = deps.logger.child({ module: 'audit' });

  async function append(tx: EntityManager, entry: AuditEntry): Promise<void> {
    if (isPg) await tx.execute('select pg_advisory_xact_lock(?)', [PG_AUDIT_LOCK]);
    const details = entry.details ? (redactSecrets(entry.details) as Record<string, unknown>) : null;
    const row = tx.create(AuditLog, {
      actor: entry.actorId ? tx.getReference(Usuario, entry.actorId) : null,
      actorPhone: entry.actorPhone ? cleanText(entry.actorPhone, 20) : null,
      action: cleanText(entry.action, 100),
      target: entry.target ? cleanText(entry.target, 255) : null,
      details,
      outcome: entry.outcome,
      durationMs: entry.durationMs === undefined ? null : Math.max(0, Math.round(entry.durationMs)),
      channel: entry.channel ?? 'chat',
      prevHash: null,
      hash: PENDING_HASH,
      createdAt: deps.clock.now(),
    } as never) as IAuditLog;
    await tx.flush();
    const prev = await tx.findOne(AuditLog, { id: { $lt: row.id } }, { orderBy: { id: 'desc' }, fields: ['id', 'hash'] });
    row.prevHash = prev?.hash ?? null;
    row.hash = hashAuditRow(row.prevHash, fieldsOf(row));
    await tx.flush();
  }

  return {
    async record(em, entry) {
      // A clean identity map (the caller's pending changes are not flushed by us), but the
      // caller's transaction if there is one: on SQLite a second transaction would wait forever
      // for the connection the caller holds. Outside a transaction the append gets its own.
      const fork = em.fork({ keepTransactionContext: true }) as EntityManager;
      try {
        await fork.transactional((tx) => append(tx as EntityManager, entry));
      } catch (err) {
        log.error({ err, action: entry.action }, 'audit append failed');
        throw err;
      }
    },

    async verify(em) {
      const fork = em.fork({ keepTransactionContext: true }) as EntityManager;
      let prevHash: string | null = null;
      let lastId = 0;
      let count = 0;
      for (;;) {
        const rows = await fork.find(AuditLog, { id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: VERIFY_BATCH });
        for (const row of rows) {
          count++;
          if ((row.prevHash ?? null) !== prevHash) return { ok: false, count, brokenId: row.id, reason: 'prev_hash_mismatch' };
          if (hashAuditRow(row.prevHash ?? null, fieldsOf(row)) !== row.hash) {
            return { ok: false, count, brokenId: row.id, reason: 'hash_mismatch' };
          }
          prevHash = row.hash;
          lastId = row.id;
        }
        fork.clear();
        if (rows.length < VERIFY_BATCH) return { ok: true, count };
      }
    },

    async list(em, query = {}) {
      const where: Record<string, unknown> = {};
      if (query.phone) where.$or = [{ actorPhone: query.phone }, { target: query.phone }];
      if (query.since) where.createdAt = { $gte: query.since };
      return em.find(AuditLog, where, { orderBy: { id: 'desc' }, limit: Math.min(query.limit ?? 20, 100) });
    },
  };
}
