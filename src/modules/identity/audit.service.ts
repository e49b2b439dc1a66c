import type { EntityManager } from '@mikro-orm/sql';
import type { ServiceDeps } from '../../shared/service-deps.ts';

/** One audit row as callers describe it (the service adds time, hash chain and redaction). */
/** Who did something, as the audit log records it (a staff member through chat, HTTP, the CLI). */
export interface Actor {
  userId: number | null;
  phone: string | null;
  channel: NonNullable<AuditEntry['channel']>;
}

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
import { cleanText, hashAuditRow, hashAuditRowV2, personalDigest, redactSecrets, type DigestedFields, type HashedFields } from './audit-hash.ts';
import { resolveAuditKey } from './audit-key.ts';

/** Arbitrary constant key for pg_advisory_xact_lock: "one audit appender at a time". */
const PG_AUDIT_LOCK = 7_410_001;
/** Placeholder while the row is inserted and its predecessor looked up (never committed). */
const PENDING_HASH = '0'.repeat(64);
const VERIFY_BATCH = 1000;

export interface AuditVerifyResult {
  ok: boolean;
  /** Rows checked (all of them when ok; up to and including the broken one otherwise). */
  count: number;
  /** Rows whose personal fields an erasure blanked (they still verify through their digests). */
  erased?: number;
  brokenId?: number;
  reason?: 'hash_mismatch' | 'prev_hash_mismatch' | 'field_mismatch';
}

export interface AuditQuery {
  /** Rows where this phone is the actor or the target. */
  phone?: string;
  since?: Date;
  limit?: number;
}

export interface AuditUpgradeResult {
  /** Version-1 rows converted to keyed digests (every later hash re-linked). */
  upgraded: number;
  /** Set when the version-1 chain was already broken: nothing was rewritten (that would hide it). */
  refused?: AuditVerifyResult;
}

export interface AuditService {
  record(em: EntityManager, entry: AuditEntry): Promise<void>;
  verify(em: EntityManager): Promise<AuditVerifyResult>;
  list(em: EntityManager, query?: AuditQuery): Promise<IAuditLog[]>;
  /** Data step of the erasure redesign: re-chains version-1 rows as version 2 (idempotent). */
  upgrade(em: EntityManager): Promise<AuditUpgradeResult>;
  /**
   * Blanks actor_phone / target / details on every row where they mention one of `needles`
   * (digests and hashes untouched, `erased_at` set). Returns the rows changed.
   */
  erase(em: EntityManager, needles: string[], at: Date): Promise<number>;
}

function v1Fields(row: IAuditLog): HashedFields {
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

function v2Fields(row: IAuditLog): DigestedFields {
  return {
    actorId: row.actor?.id ?? null,
    action: row.action,
    outcome: row.outcome,
    durationMs: row.durationMs ?? null,
    channel: row.channel ?? null,
    createdAt: row.createdAt,
    actorPhoneDigest: row.actorPhoneDigest ?? null,
    targetDigest: row.targetDigest ?? null,
    detailsDigest: row.detailsDigest ?? null,
  };
}

/**
 * The tamper-evident audit log. Each append runs in one transaction that first takes the
 * writer lock (PostgreSQL: an advisory lock; SQLite: the insert itself takes the database
 * write lock, so the predecessor read afterwards cannot be stale), so concurrent writers,
 * even in other processes, never fork the chain.
 *
 * Rows are version 2 (see audit-hash.ts): personal fields are chained through keyed digests so
 * an erasure can blank them. A present field must match its digest; a blank one is accepted only
 * on a row marked erased.
 */
export function createAuditService(deps: Pick<ServiceDeps, 'clock' | 'logger' | 'config'>): AuditService {
  const isPg = deps.config.db.kind === 'postgresql';
  const log = deps.logger.child({ module: 'audit' });
  let keyCache: Buffer | undefined;
  const key = () => (keyCache ??= resolveAuditKey(deps.config).key);
  const lock = async (tx: EntityManager) => {
    if (isPg) await tx.execute('select pg_advisory_xact_lock(?)', [PG_AUDIT_LOCK]);
  };

  async function append(tx: EntityManager, entry: AuditEntry): Promise<void> {
    await lock(tx);
    const details = entry.details ? (redactSecrets(entry.details) as Record<string, unknown>) : null;
    const actorPhone = entry.actorPhone ? cleanText(entry.actorPhone, 20) : null;
    const target = entry.target ? cleanText(entry.target, 255) : null;
    const row = tx.create(AuditLog, {
      actor: entry.actorId ? tx.getReference(Usuario, entry.actorId) : null,
      actorPhone,
      action: cleanText(entry.action, 100),
      target,
      details,
      outcome: entry.outcome,
      durationMs: entry.durationMs === undefined ? null : Math.max(0, Math.round(entry.durationMs)),
      channel: entry.channel ?? 'chat',
      hashVersion: 2,
      actorPhoneDigest: personalDigest(key(), actorPhone),
      targetDigest: personalDigest(key(), target),
      detailsDigest: personalDigest(key(), details),
      prevHash: null,
      hash: PENDING_HASH,
      createdAt: deps.clock.now(),
    } as never) as IAuditLog;
    await tx.flush();
    const prev = await tx.findOne(AuditLog, { id: { $lt: row.id } }, { orderBy: { id: 'desc' }, fields: ['id', 'hash'] });
    row.prevHash = prev?.hash ?? null;
    row.hash = hashAuditRowV2(row.prevHash, v2Fields(row));
    await tx.flush();
  }

  /** Why a row does not verify, or null. */
  function check(row: IAuditLog): AuditVerifyResult['reason'] | null {
    if ((row.hashVersion ?? 1) < 2) return hashAuditRow(row.prevHash ?? null, v1Fields(row)) === row.hash ? null : 'hash_mismatch';
    const pairs: Array<[string | Record<string, unknown> | null | undefined, string | null | undefined]> = [
      [row.actorPhone, row.actorPhoneDigest],
      [row.target, row.targetDigest],
      [row.details, row.detailsDigest],
    ];
    for (const [value, digest] of pairs) {
      if (value === null || value === undefined) {
        // Blank: fine if it was blank when written, or an erasure blanked it.
        if (digest && !row.erasedAt) return 'field_mismatch';
      } else if (personalDigest(key(), value) !== (digest ?? null)) return 'field_mismatch';
    }
    return hashAuditRowV2(row.prevHash ?? null, v2Fields(row)) === row.hash ? null : 'hash_mismatch';
  }

  async function verify(em: EntityManager): Promise<AuditVerifyResult> {
    const fork = em.fork({ keepTransactionContext: true }) as EntityManager;
    let prevHash: string | null = null;
    let lastId = 0;
    let count = 0;
    let erased = 0;
    for (;;) {
      const rows = await fork.find(AuditLog, { id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: VERIFY_BATCH });
      for (const row of rows) {
        count++;
        if ((row.prevHash ?? null) !== prevHash) return { ok: false, count, brokenId: row.id, reason: 'prev_hash_mismatch' };
        const reason = check(row);
        if (reason) return { ok: false, count, brokenId: row.id, reason };
        if (row.erasedAt) erased++;
        prevHash = row.hash;
        lastId = row.id;
      }
      fork.clear();
      if (rows.length < VERIFY_BATCH) return { ok: true, count, ...(erased ? { erased } : {}) };
    }
  }

  async function upgrade(em: EntityManager): Promise<AuditUpgradeResult> {
    const fork = em.fork({ keepTransactionContext: true }) as EntityManager;
    if (!(await fork.count(AuditLog, { hashVersion: { $lt: 2 } } as never))) return { upgraded: 0 };
    return fork.transactional(async (txm) => {
      const tx = txm as EntityManager;
      await lock(tx);
      // Re-hashing a broken chain would make the break disappear: check it first.
      const state = await verify(tx);
      if (!state.ok) {
        log.warn({ brokenId: state.brokenId }, 'audit chain broken: version-1 rows left as they are');
        return { upgraded: 0, refused: state };
      }
      let prevHash: string | null = null;
      let lastId = 0;
      let upgraded = 0;
      let relink = false;
      for (;;) {
        const rows = await tx.find(AuditLog, { id: { $gt: lastId } }, { orderBy: { id: 'asc' }, limit: VERIFY_BATCH });
        for (const row of rows) {
          if ((row.hashVersion ?? 1) < 2) {
            row.hashVersion = 2;
            row.actorPhoneDigest = personalDigest(key(), row.actorPhone ?? null);
            row.targetDigest = personalDigest(key(), row.target ?? null);
            row.detailsDigest = personalDigest(key(), row.details ?? null);
            upgraded++;
            relink = true;
          }
          if (relink) {
            row.prevHash = prevHash;
            row.hash = hashAuditRowV2(prevHash, v2Fields(row));
          }
          prevHash = row.hash;
          lastId = row.id;
        }
        await tx.flush();
        tx.clear();
        if (rows.length < VERIFY_BATCH) break;
      }
      log.info({ rows: upgraded }, 'audit rows upgraded to keyed digests');
      return { upgraded };
    });
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

    verify,
    upgrade,

    async erase(em, needles, at) {
      const terms = [...new Set(needles.filter((n) => n && n.length >= 3))];
      if (!terms.length) return 0;
      await upgrade(em);
      const fork = em.fork({ keepTransactionContext: true }) as EntityManager;
      return fork.transactional(async (txm) => {
        const tx = txm as EntityManager;
        await lock(tx);
        const detailsText = isPg ? 'details::text' : 'details';
        const like = terms.map(() => `actor_phone like ? or target like ? or ${detailsText} like ?`).join(' or ');
        const params = terms.flatMap((n) => [`%${n}%`, `%${n}%`, `%${n}%`]);
        const hits = (await tx.execute(`select id from audit_log where ${like}`, params)) as Array<{ id: number }>;
        let changed = 0;
        for (const { id } of hits) {
          const row = await tx.findOneOrFail(AuditLog, { id: Number(id) });
          const mentions = (v: unknown) => v !== null && v !== undefined && terms.some((n) => (typeof v === 'string' ? v : JSON.stringify(v)).includes(n));
          if (mentions(row.actorPhone)) row.actorPhone = null;
          if (mentions(row.target)) row.target = null;
          if (mentions(row.details)) row.details = null;
          row.erasedAt = at;
          changed++;
        }
        await tx.flush();
        return changed;
      });
    },

    async list(em, query = {}) {
      const where: Record<string, unknown> = {};
      if (query.phone) where.$or = [{ actorPhone: query.phone }, { target: query.phone }];
      if (query.since) where.createdAt = { $gte: query.since };
      return em.find(AuditLog, where, { orderBy: { id: 'desc' }, limit: Math.min(query.limit ?? 20, 100) });
    },
  };
}
