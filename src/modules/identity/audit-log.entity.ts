import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from './usuario.entity.ts';

/**
 * `audit_log`: append-only record of every privileged action. Rows are hash-chained:
 * `hash` = sha256(prev_hash + canonical row), so tampering breaks the chain.
 */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  properties: {
    id: p.integer().primary().autoincrement(),
    actor: () => p.manyToOne(Usuario).fieldName('actor_id').nullable().deleteRule('set null').index(false),
    actorPhone: p.string().length(20).nullable(),
    action: p.string().length(100),
    target: p.string().length(255).nullable(),
    details: p.json<Record<string, unknown>>().nullable(),
    outcome: p.enum(['allowed', 'denied', 'error', 'success', 'failure'] as const),
    durationMs: p.integer().nullable(),
    /** Where the action came from: 'chat', 'http', 'cli' or 'system'. */
    channel: p.string().length(20).nullable(),
    /**
     * 1: the hash covers the personal fields in clear (rows written before the erasure redesign);
     * 2: it covers their keyed digests below, so the fields can be blanked by an erasure.
     */
    hashVersion: p.integer().default(1),
    /** HMAC-SHA256 (AUDIT_HMAC_KEY) of actor_phone / target / canonical details; null when the field was null. */
    actorPhoneDigest: p.string().length(64).nullable(),
    targetDigest: p.string().length(64).nullable(),
    detailsDigest: p.string().length(64).nullable(),
    /** Set when an erasure blanked this row's personal fields (the digests still chain). */
    erasedAt: p.datetime().nullable(),
    prevHash: p.string().length(64).nullable(),
    hash: p.string().length(64),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
  },
  indexes: [
    { name: 'idx_audit_actor', properties: ['actor', 'createdAt'] },
    { name: 'idx_audit_created', properties: ['createdAt'] },
  ],
});
export type IAuditLog = InferEntity<typeof AuditLog>;
