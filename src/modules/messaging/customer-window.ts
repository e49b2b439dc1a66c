import type { EntityManager } from '@mikro-orm/sql';
import { AppError } from '../../shared/errors.ts';
import { t } from '../../shared/i18n/index.ts';
import type { Platform } from '../../transport/events.ts';
import { ConversationLog } from './conversation-log.entity.ts';

/**
 * Meta's customer-service window: a business may send free-form messages to a customer only
 * within 24 hours of that customer's last message to the same business number; after that only
 * approved templates. The last inbound row per client and number in conversations_log decides
 * (the inbound message is logged before anything answers it, so a reply to what the customer
 * just wrote is always inside).
 */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000;

export class WindowClosedError extends AppError {
  constructor() {
    super('OUTSIDE_SERVICE_WINDOW', t('channels.window_closed'), 422);
  }
}

export interface LastInbound {
  platform: Platform | null;
  businessNumberId: string | null;
  at: Date;
}

/** The client's latest inbound message (on `businessNumberId` when given), by phone digits or chat JID. */
export async function latestInbound(em: EntityManager, who: { phone: string | null; jid: string }, businessNumberId?: string | null): Promise<LastInbound | null> {
  const where: Record<string, unknown> = {
    messageDirection: 'inbound',
    ...(who.phone ? { from: who.phone } : { remoteJid: who.jid }),
    ...(businessNumberId ? { businessNumberId } : {}),
  };
  const row = await em.findOne(ConversationLog, where as never, { orderBy: { date: 'desc', id: 'desc' }, fields: ['platformOrigin', 'businessNumberId', 'date'] as never, disableIdentityMap: true });
  if (!row) return null;
  return { platform: (row.platformOrigin as Platform | null) ?? null, businessNumberId: row.businessNumberId ?? null, at: new Date(row.date) };
}

/**
 * Whether every reply to an inbound message is inside the window by construction: nothing older
 * than REPLY_MAX_AGE is answered, and an hour of margin covers a slow command or a retry.
 */
export function repliesInsideWindow(replyMaxAgeMs: number): boolean {
  return replyMaxAgeMs <= SERVICE_WINDOW_MS - 60 * 60_000;
}

export function windowOpen(last: LastInbound | null, now: Date): boolean {
  return Boolean(last && now.getTime() - last.at.getTime() < SERVICE_WINDOW_MS);
}
