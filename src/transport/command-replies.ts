import type { Logger } from '../logger.ts';
import type { Clock } from '../shared/clock.ts';
import type { Services } from '../services.ts';
import type { MessageOutcome } from '../modules/messaging/message-writer.ts';
import { t } from '../shared/i18n/index.ts';
import type { MessageReceived } from './events.ts';
import type { Reply } from './types.ts';

/**
 * A slash command from either platform → the admin router (RBAC, step-up confirmation, audit)
 * → its replies. Never throws: a failing router becomes a polite apology.
 */
export async function commandReplies(
  services: Pick<Services, 'commands'>,
  clock: Clock,
  log: Logger,
  e: MessageReceived,
  outcome: MessageOutcome | undefined,
  acknowledged?: Promise<void>,
): Promise<Reply[]> {
  const phone = outcome?.phone ?? e.senderPhone;
  if (!phone || !services.commands) return [{ kind: 'text', text: t('common.forbidden') }];
  try {
    return await services.commands.handle({
      phone, jid: e.chatJid, text: e.body!.trim(), isGroup: e.isGroup, name: e.senderName ?? null, messageId: e.messageId, now: clock.now(),
      // A document sent with the command (e.g. /segmento importar + a CSV): stored by ingest.
      attachment: e.media ? { messageId: e.messageId, fileName: e.media.fileName ?? null, mimeType: e.media.mimetype ?? null } : null,
      acknowledged,
    });
  } catch (err) {
    log.error({ err, msgId: e.messageId }, 'command router failed');
    return [{ kind: 'text', text: t('common.internal_error') }];
  }
}
