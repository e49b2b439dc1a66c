import { randomUUID } from 'node:crypto';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { Usuario } from '../identity/usuario.entity.ts';

export const FILE_TYPES = ['image', 'video', 'audio', 'document', 'other'] as const;
export const DOWNLOAD_STATUSES = ['ok', 'failed', 'too_large', 'checksum_mismatch', 'pending'] as const;

/** `client_file_storage`: one row per media file received from (or sent to) a client. */
export const ClientFileStorage = defineEntity({
  name: 'ClientFileStorage',
  tableName: 'client_file_storage',
  properties: {
    fileId: p.uuid().primary().onCreate(() => randomUUID()),
    cliente: () => p.manyToOne(Usuario).fieldName('cliente_id').deleteRule('cascade').index(false),
    messageId: p.string().length(255).nullable().unique(),
    fileType: p.enum(FILE_TYPES),
    mimeType: p.string().length(100).nullable(),
    originalFilename: p.string().length(500).nullable(),
    fileSize: p.integer().nullable(),
    /** Relative to STORAGE_DIR, e.g. clients/client_12/media/images/<id>.jpg. */
    filePath: p.string().length(500),
    storageLocation: p.enum(['local', 's3', 'azure', 'gcs'] as const).default('local'),
    bucketName: p.string().length(255).nullable(),
    objectKey: p.string().length(500).nullable(),
    checksumSha256: p.string().length(64).nullable(),
    isArchived: p.boolean().default(false),
    uploadTimestamp: p.datetime().nullable(),
    accessedCount: p.integer().default(0),
    lastAccessed: p.datetime().nullable(),
    retentionDays: p.integer().nullable(),
    /** When the retention job deleted the bytes (the row stays, without a path, as the record). */
    expiredAt: p.datetime().nullable(),
    downloadStatus: p.enum(DOWNLOAD_STATUSES).default('ok'),
    downloadError: p.text().nullable(),
    /** The sha256 the provider announced for the media (to detect corrupt downloads). */
    sourceSha256: p.string().length(64).nullable(),
    /** What is needed to download the media again (WhatsApp media key, direct path, url…). */
    mediaKeyJson: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('current_timestamp').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
  indexes: [
    { name: 'idx_client_file', properties: ['cliente', 'createdAt'] },
    { name: 'idx_file_type', properties: ['fileType'] },
  ],
});
export type IClientFileStorage = InferEntity<typeof ClientFileStorage>;
