import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/sql';
import { ClientFileStorage } from './client-file-storage.entity.ts';
import { ConversationLog } from '../messaging/conversation-log.entity.ts';
import type { MediaKind } from '../../transport/events.ts';
import type { MediaJob } from './media.service.ts';

/**
 * Failed downloads and checksum mismatches (a truncated or corrupted transfer) are kept with what
 * is needed to try again (`media_key_json`: WhatsApp's media key, direct path, url). The live
 * transport rebuilds the message from it and asks Baileys again, with the media re-upload
 * request for URLs that expired. Oversize files are not retried (the same bytes would come
 * back). The least recently tried go first, so files that keep failing cannot starve the rest,
 * and after `REPAIR_WINDOW_MS` a file is given up (the sender's phone no longer has it).
 */

export const REPAIR_WINDOW_MS = 7 * 24 * 3600_000;
/**
 * A row still `pending` this long after its last change lost its download (the process stopped
 * mid-transfer: downloads run after the message is logged, in memory): it is retried too.
 */
export const STALE_PENDING_MS = 15 * 60_000;

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

export async function findRepairCandidates(em: EntityManager, limit: number, now: Date): Promise<RepairCandidate[]> {
  const rows = await em.find(
    ClientFileStorage,
    {
      $or: [
        { downloadStatus: { $in: ['failed', 'checksum_mismatch'] } },
        { downloadStatus: 'pending', updatedAt: { $lt: new Date(now.getTime() - STALE_PENDING_MS) } },
      ],
      mediaKeyJson: { $ne: null },
      messageId: { $ne: null },
      createdAt: { $gte: new Date(now.getTime() - REPAIR_WINDOW_MS) },
    } as never,
    { limit, orderBy: { updatedAt: 'asc', createdAt: 'asc' } },
  );
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
