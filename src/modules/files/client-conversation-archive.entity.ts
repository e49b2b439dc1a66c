import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

/** `client_conversation_archive`: exported conversation histories (backups) per client. */
export const ClientConversationArchive = defineEntity({
  name: 'ClientConversationArchive',
  tableName: 'client_conversation_archive',
  properties: {
    archiveId: p.uuid().primary().onCreate(() => randomUUID()),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index(false),
    conversationThreadId: p.string().length(255).nullable(),
    /** LONGTEXT in the PRD. */
    archiveContent: p.text().nullable(),
    format: p.enum(['json', 'pdf', 'html', 'txt'] as const).default('json'),
    filePath: p.string().length(500).nullable(),
    startDate: p.date().nullable(),
    endDate: p.date().nullable(),
    messageCount: p.integer().nullable(),
    storageStatus: p.enum(['active', 'archived', 'deleted'] as const).default('active'),
    /** Reads of the archive file (chat, HTTP, export), like client_file_storage's (UC-004). */
    accessedCount: p.integer().default(0),
    lastAccessed: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [{ name: 'idx_client_conversation', properties: ['cliente', 'startDate'] }],
});
export type IClientConversationArchive = InferEntity<typeof ClientConversationArchive>;
