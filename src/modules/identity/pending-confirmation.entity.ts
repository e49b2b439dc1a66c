import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from './usuario.entity.ts';

/** `pending_confirmations`: destructive chat commands waiting for the user's "yes" (or a TOTP code). */
export const PendingConfirmation = defineEntity({
  name: 'PendingConfirmation',
  tableName: 'pending_confirmations',
  properties: {
    id: p.uuid().primary().onCreate(() => randomUUID()),
    usuario: () => p.manyToOne(Usuario).fieldName('usuario_id').deleteRule('cascade').index(false),
    command: p.string().length(100),
    argsJson: p.json<unknown>(),
    summary: p.text(),
    codeHash: p.string().length(128).nullable(),
    requiresTotp: p.boolean().default(false),
    attempts: p.integer().default(0),
    status: p.enum(['pending', 'confirmed', 'cancelled', 'expired', 'failed'] as const).default('pending'),
    expiresAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    resolvedAt: p.datetime().nullable(),
  },
  indexes: [{ name: 'idx_pending_user', properties: ['usuario', 'status'] }],
});
export type IPendingConfirmation = InferEntity<typeof PendingConfirmation>;
