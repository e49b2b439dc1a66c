import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/sql';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import type { MediaKind } from '../../transport/events.ts';
import type { MediaJob } from './media.service.ts';

/**
 * Failed downloads are kept with what is needed to try again (`media_key_json`: WhatsApp's media
 * key, direct path, url). The live transport rebuilds the message from it and asks Baileys again,
 * with the media re-upload request for URLs that expired. Checksum mismatches and oversize files
 * are not retried: the same bytes would come back.
 */

export interface RepairCandidate {
  fileId: string;
  clienteId: number;
  messageId: string;
  remoteJid: string | null;
  mimeType: string | null;
  fileName: string | null;
  expectedSha256: string | null;
  mediaKey: Record<string, unknown>;
}

export type RepairOpener = (c: RepairCandidate) => Promise<Readable>;

const KIND_BY_FIELD: Record<string, MediaKind> = {
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
};

export async function findRepairCandidates(em: EntityManager, limit: number): Promise<RepairCandidate[]> {
  const rows = await em.find(ClientFileStorage, { downloadStatus: 'failed', mediaKeyJson: { $ne: null }, messageId: { $ne: null } } as never, { limit, orderBy: { createdAt: 'asc' } });
  const ids = rows.map((r) => r.messageId!);
  const jids = new Map((ids.length ? await em.find(ConversationLog, { messageId: { $in: ids } }, { fields: ['messageId', 'remoteJid'] }) : []).map((c) => [c.messageId, c.remoteJid ?? null]));
  return rows.map((r) => ({
    fileId: r.fileId,
    clienteId: (r.cliente as { id: number }).id,
    messageId: r.messageId!,
    remoteJid: jids.get(r.messageId!) ?? null,
    mimeType: r.mimeType ?? null,
    fileName: r.originalFilename ?? null,
    expectedSha256: r.sourceSha256 ?? null,
    mediaKey: r.mediaKeyJson ?? {},
  }));
}

/** The candidate as a media job whose bytes come from `open`. */
export function repairJob(c: RepairCandidate, open: RepairOpener): MediaJob | null {
  const kind = KIND_BY_FIELD[String(c.mediaKey.field)];
  if (!kind) return null;
  return {
    fileId: c.fileId,
    userId: c.clienteId,
    messageId: c.messageId,
    media: { kind, mimetype: c.mimeType, fileName: c.fileName, expectedSha256: c.expectedSha256, retryInfo: c.mediaKey, open: () => open(c) },
  };
}
